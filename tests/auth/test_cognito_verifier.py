"""The deployed verifier: Cognito ID tokens, RS256, keys from the user pool's JWKS."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from chalicelib.auth import (
    BadSignatureError,
    ExpiredTokenError,
    Identity,
    InvalidClaimError,
    MalformedTokenError,
    MissingClaimError,
    TokenVerifier,
    UnsupportedAlgorithmError,
    WrongAudienceError,
    WrongIssuerError,
    mint_token,
)
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings

from .fakes import (
    COGNITO_CLIENT_ID,
    COGNITO_ISSUER,
    FakeJwksSource,
    RsaKey,
    base64url,
    cognito_claims,
    unsigned_token,
)

COGNITO_SETTINGS = Settings(
    auth_jwks_url=f"{COGNITO_ISSUER}/.well-known/jwks.json",
    auth_issuer=COGNITO_ISSUER,
    auth_audience=COGNITO_CLIENT_ID,
    # A secret in the environment must not open an HS256 door next to the RS256 one.
    auth_jwt_secret="test-secret-that-is-long-enough-for-hs256",
)


@pytest.fixture
def jwks(signing_key: RsaKey) -> FakeJwksSource:
    return FakeJwksSource(signing_key)


@pytest.fixture
def verifier(jwks: FakeJwksSource, clock: FixedClock) -> TokenVerifier:
    return TokenVerifier.from_settings(COGNITO_SETTINGS, clock=clock, jwks_source=jwks)


def test_a_cognito_id_token_verifies_with_tenant_and_groups(
    verifier: TokenVerifier, clock: FixedClock, signing_key: RsaKey
) -> None:
    token = signing_key.sign(cognito_claims(clock.now(), roles=["mentor"]))

    identity = verifier.verify(token)

    assert identity == Identity(
        user_id="0c6f4e5a-1b2c-4d3e-8f90-a1b2c3d4e5f6",
        tenant_id="acme",
        email="ada@example.com",
        roles=frozenset({"coach", "mentor"}),
    )


def test_an_access_token_is_not_an_id_token(
    verifier: TokenVerifier, clock: FixedClock, signing_key: RsaKey
) -> None:
    token = signing_key.sign(cognito_claims(clock.now(), token_use="access"))

    with pytest.raises(InvalidClaimError, match="token_use"):
        verifier.verify(token)


def test_the_tenant_comes_from_the_custom_attribute_only(
    verifier: TokenVerifier, clock: FixedClock, signing_key: RsaKey
) -> None:
    claims = cognito_claims(clock.now(), **{"custom:tenant_id": None, "tenant_id": "acme"})

    with pytest.raises(MissingClaimError, match="custom:tenant_id"):
        verifier.verify(signing_key.sign(claims))


def test_pool_issuer_and_app_client_audience_are_enforced(
    verifier: TokenVerifier, clock: FixedClock, signing_key: RsaKey
) -> None:
    other_pool = COGNITO_ISSUER.replace("TestPool", "OtherPool")
    with pytest.raises(WrongIssuerError):
        verifier.verify(signing_key.sign(cognito_claims(clock.now(), iss=other_pool)))
    with pytest.raises(WrongAudienceError):
        verifier.verify(signing_key.sign(cognito_claims(clock.now(), aud="another-client")))


def test_an_expired_id_token_is_refused(
    verifier: TokenVerifier, clock: FixedClock, signing_key: RsaKey
) -> None:
    token = signing_key.sign(cognito_claims(clock.now()))
    clock.advance(timedelta(hours=2))

    with pytest.raises(ExpiredTokenError):
        verifier.verify(token)


def test_a_key_claiming_a_known_kid_still_needs_the_right_signature(
    verifier: TokenVerifier, clock: FixedClock, impostor_key: RsaKey
) -> None:
    with pytest.raises(BadSignatureError):
        verifier.verify(impostor_key.sign(cognito_claims(clock.now())))


def test_an_hs256_token_is_refused_by_the_rs256_verifier(
    verifier: TokenVerifier, clock: FixedClock
) -> None:
    token = mint_token(
        COGNITO_SETTINGS.auth_jwt_secret or "",
        tenant="acme",
        user="u-ada",
        email="ada@example.com",
        now=clock.now(),
        issuer=COGNITO_ISSUER,
        audience=COGNITO_CLIENT_ID,
    )

    with pytest.raises(UnsupportedAlgorithmError):
        verifier.verify(token)


def test_the_public_key_used_as_an_hmac_secret_is_refused(
    verifier: TokenVerifier, clock: FixedClock, signing_key: RsaKey
) -> None:
    # The classic confusion attack: HS256 keyed with the RSA public key everyone can download.
    # PyJWT refuses to make such a token, so it is built by hand.
    public_pem = signing_key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = base64url({"alg": "HS256", "typ": "JWT", "kid": signing_key.kid})
    payload = base64url(cognito_claims(clock.now()))
    mac = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    forged = f"{header}.{payload}.{jwt.utils.base64url_encode(mac).decode()}"

    with pytest.raises(UnsupportedAlgorithmError):
        verifier.verify(forged)


def test_an_unsigned_token_is_refused(verifier: TokenVerifier, clock: FixedClock) -> None:
    with pytest.raises(UnsupportedAlgorithmError):
        verifier.verify(unsigned_token(cognito_claims(clock.now())))


def test_a_token_without_a_kid_is_malformed(
    verifier: TokenVerifier, clock: FixedClock, signing_key: RsaKey
) -> None:
    token = jwt.encode(cognito_claims(clock.now()), signing_key.private_key, algorithm="RS256")

    with pytest.raises(MalformedTokenError, match="key id"):
        verifier.verify(token)
