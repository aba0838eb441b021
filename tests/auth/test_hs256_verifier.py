"""The local verifier: HS256 tokens signed with AUTH_JWT_SECRET, as the CLI mints them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
import pytest

from chalicelib.auth import (
    AuthError,
    BadSignatureError,
    ExpiredTokenError,
    Identity,
    InvalidClaimError,
    MalformedTokenError,
    MissingClaimError,
    MissingTokenError,
    TokenNotYetValidError,
    TokenVerifier,
    UnsupportedAlgorithmError,
    WrongAudienceError,
    WrongIssuerError,
    mint_token,
)
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings

from .fakes import RsaKey, unsigned_token

SECRET = "test-secret-that-is-long-enough-for-hs256"


@pytest.fixture
def verifier(settings: Settings, clock: FixedClock) -> TokenVerifier:
    return TokenVerifier.from_settings(settings, clock=clock)


def local_claims(clock: FixedClock, **overrides: Any) -> dict[str, Any]:
    now = int(clock.now().timestamp())
    claims: dict[str, Any] = {
        "sub": "u-ada",
        "tenant_id": "acme",
        "email": "ada@example.com",
        "roles": [],
        "iss": "rapport-local",
        "aud": "rapport",
        "iat": now,
        "exp": now + 3600,
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def signed(claims: dict[str, Any], secret: str = SECRET) -> str:
    return jwt.encode(claims, secret, algorithm="HS256")


def test_a_minted_token_verifies_to_the_identity_it_names(
    verifier: TokenVerifier, clock: FixedClock
) -> None:
    token = mint_token(
        SECRET,
        tenant="acme",
        user="u-ada",
        email="ada@example.com",
        roles=["coach"],
        now=clock.now(),
    )

    identity = verifier.verify(token)

    assert identity == Identity("u-ada", "acme", "ada@example.com", frozenset({"coach"}))
    assert identity.is_coach


def test_a_bearer_header_is_unwrapped_and_an_absent_one_is_no_token(
    verifier: TokenVerifier, clock: FixedClock
) -> None:
    token = signed(local_claims(clock))

    assert verifier.verify_bearer(f"Bearer {token}").tenant_id == "acme"
    with pytest.raises(MissingTokenError, match="no token"):
        verifier.verify_bearer(None)
    with pytest.raises(MalformedTokenError, match="not a bearer token"):
        verifier.verify_bearer(f"Basic {token}")


def test_a_token_is_expired_once_the_clock_passes_exp_plus_leeway(
    verifier: TokenVerifier, clock: FixedClock
) -> None:
    token = signed(local_claims(clock))

    clock.advance(timedelta(hours=1, seconds=29))
    assert verifier.verify(token).user_id == "u-ada"
    clock.advance(timedelta(seconds=1))
    with pytest.raises(ExpiredTokenError) as refusal:
        verifier.verify(token)
    assert refusal.value.reason == "token expired"


def test_a_token_from_the_future_is_not_yet_valid(
    verifier: TokenVerifier, clock: FixedClock
) -> None:
    later = int((clock.now() + timedelta(minutes=5)).timestamp())

    with pytest.raises(TokenNotYetValidError):
        verifier.verify(signed(local_claims(clock, nbf=later)))
    with pytest.raises(TokenNotYetValidError, match="issued in the future"):
        verifier.verify(signed(local_claims(clock, iat=later)))


def test_an_unsigned_alg_none_token_is_refused(verifier: TokenVerifier, clock: FixedClock) -> None:
    with pytest.raises(UnsupportedAlgorithmError) as refusal:
        verifier.verify(unsigned_token(local_claims(clock)))
    assert refusal.value.reason == "unsupported algorithm"


def test_a_token_signed_with_another_secret_has_a_bad_signature(
    verifier: TokenVerifier, clock: FixedClock
) -> None:
    forged = signed(local_claims(clock), secret="another-secret-that-is-also-32-bytes-long")

    with pytest.raises(BadSignatureError) as refusal:
        verifier.verify(forged)
    assert refusal.value.reason == "bad signature"


def test_a_token_for_another_issuer_or_audience_is_refused(
    verifier: TokenVerifier, clock: FixedClock
) -> None:
    with pytest.raises(WrongIssuerError, match="wrong issuer"):
        verifier.verify(signed(local_claims(clock, iss="someone-else")))
    with pytest.raises(WrongAudienceError, match="wrong audience"):
        verifier.verify(signed(local_claims(clock, aud="another-app")))
    with pytest.raises(WrongAudienceError):
        verifier.verify(signed(local_claims(clock, aud=["another-app", "third-app"])))


def test_an_audience_list_that_includes_rapport_is_accepted(
    verifier: TokenVerifier, clock: FixedClock
) -> None:
    assert verifier.verify(signed(local_claims(clock, aud=["other", "rapport"]))).email


@pytest.mark.parametrize("claim", ["sub", "tenant_id", "email", "exp", "iss", "aud"])
def test_a_token_missing_a_required_claim_is_refused(
    verifier: TokenVerifier, clock: FixedClock, claim: str
) -> None:
    claims = local_claims(clock)
    del claims[claim]

    with pytest.raises(MissingClaimError) as refusal:
        verifier.verify(signed(claims))
    assert refusal.value.reason == f"missing claim: {claim}"


def test_issuer_and_audience_are_only_required_when_configured(clock: FixedClock) -> None:
    verifier = TokenVerifier(clock=clock, secret=SECRET)

    assert verifier.verify(signed(local_claims(clock, iss=None, aud=None))).user_id == "u-ada"


@pytest.mark.parametrize(
    ("overrides", "claim"),
    [
        ({"tenant_id": "acme#U#someone-else"}, "tenant_id"),
        ({"sub": "u 1"}, "sub"),
        ({"email": "not-an-address"}, "email"),
        ({"roles": "coach"}, "roles"),
        ({"exp": "tomorrow"}, "exp"),
    ],
)
def test_a_claim_of_the_wrong_shape_is_refused(
    verifier: TokenVerifier, clock: FixedClock, overrides: dict[str, Any], claim: str
) -> None:
    with pytest.raises(InvalidClaimError) as refusal:
        verifier.verify(signed(local_claims(clock, **overrides)))
    assert refusal.value.claim == claim


def test_an_rs256_token_is_refused_by_the_hs256_verifier(
    verifier: TokenVerifier, clock: FixedClock, signing_key: RsaKey
) -> None:
    with pytest.raises(UnsupportedAlgorithmError):
        verifier.verify(signing_key.sign(local_claims(clock)))


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "x" * 9000])
def test_garbage_is_refused_with_a_reason_and_never_crashes(
    verifier: TokenVerifier, garbage: str
) -> None:
    with pytest.raises(AuthError) as refusal:
        verifier.verify(garbage)
    assert refusal.value.reason in {"no token", "malformed token", "token too large"}


def test_a_verifier_needs_a_secret_long_enough_for_hs256(clock: FixedClock) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        TokenVerifier(clock=clock, secret="short")
    with pytest.raises(ValueError, match="AUTH_JWT_SECRET"):
        TokenVerifier.from_settings(Settings(), clock=clock)
