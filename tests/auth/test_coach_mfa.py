"""Coaches must have signed in with MFA (the `amr` claim); students need not."""

from __future__ import annotations

import pytest

from chalicelib import bootstrap
from chalicelib.api.authorizer import authorizer_context
from chalicelib.auth import TokenVerifier
from chalicelib.auth.mfa import CoachMfaVerifier, MfaRequiredError
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings

from .fakes import COGNITO_CLIENT_ID, COGNITO_ISSUER, FakeJwksSource, RsaKey, cognito_claims

COGNITO = Settings(
    auth_jwks_url=f"{COGNITO_ISSUER}/.well-known/jwks.json",
    auth_issuer=COGNITO_ISSUER,
    auth_audience=COGNITO_CLIENT_ID,
    coach_mfa_required=True,
)


@pytest.fixture
def verifier(signing_key: RsaKey, clock: FixedClock) -> TokenVerifier:
    jwks = FakeJwksSource(signing_key)
    return CoachMfaVerifier.from_settings(COGNITO, clock=clock, jwks_source=jwks)


def test_a_coach_who_signed_in_with_mfa_is_a_coach(
    verifier: TokenVerifier, clock: FixedClock, signing_key: RsaKey
) -> None:
    token = signing_key.sign(cognito_claims(clock.now(), amr=["pwd", "otp", "mfa"]))

    assert verifier.verify(token).is_coach


@pytest.mark.parametrize("amr", [None, ["pwd"], "mfa", []], ids=["absent", "pwd", "str", "empty"])
def test_a_coach_token_without_mfa_is_refused_saying_why(
    verifier: TokenVerifier, clock: FixedClock, signing_key: RsaKey, amr: object
) -> None:
    token = signing_key.sign(cognito_claims(clock.now(), amr=amr))

    with pytest.raises(MfaRequiredError):
        verifier.verify(token)
    assert authorizer_context(verifier, f"Bearer {token}") == {
        "auth_error": "coaches must sign in with MFA"
    }


def test_a_student_without_mfa_is_let_in(
    verifier: TokenVerifier, clock: FixedClock, signing_key: RsaKey
) -> None:
    token = signing_key.sign(cognito_claims(clock.now(), **{"cognito:groups": None}))

    identity = verifier.verify(token)

    assert identity.tenant_id == "acme"
    assert not identity.is_coach


def test_the_stage_setting_chooses_the_verifier(clock: FixedClock) -> None:
    local = Settings(auth_jwt_secret="test-secret-that-is-long-enough-for-hs256")

    relaxed = bootstrap.in_memory(local, clock=clock).verifier
    strict = bootstrap.in_memory(local.model_copy(update={"coach_mfa_required": True})).verifier

    assert type(relaxed) is TokenVerifier
    assert isinstance(strict, CoachMfaVerifier)
    assert Settings.from_env({"COACH_MFA_REQUIRED": "true"}).coach_mfa_required
