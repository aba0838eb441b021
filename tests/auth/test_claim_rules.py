"""Each claim is refused at the door when the system would refuse it later, and the verifier
hands over what it verified, so nothing decodes a token a second time."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from chalicelib.api.authorizer import authorizer_context
from chalicelib.auth import InvalidClaimError, TokenVerifier
from chalicelib.auth.claims import MAX_NUMERIC_DATE, MAX_ROLE_CHARS, MAX_ROLES
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings

SECRET = "test-secret-that-is-long-enough-for-hs256"


@pytest.fixture
def verifier(settings: Settings, clock: FixedClock) -> TokenVerifier:
    return TokenVerifier.from_settings(settings, clock=clock)


def signed(clock: FixedClock, **changes: Any) -> str:
    now = int(clock.now().timestamp())
    claims: dict[str, Any] = {
        "sub": "u-ada",
        "tenant_id": "acme",
        "email": "ada@example.com",
        "iss": "rapport-local",
        "aud": "rapport",
        "iat": now,
        "exp": now + 3600,
        **changes,
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize(
    "value",
    [10**400, float("inf"), float("-inf"), float("nan"), 1.7e9, True, -1, MAX_NUMERIC_DATE + 1],
    ids=["10**400", "inf", "-inf", "nan", "a float", "true", "negative", "past year 9999"],
)
def test_a_time_claim_that_is_not_whole_seconds_a_datetime_holds_is_refused(
    verifier: TokenVerifier, clock: FixedClock, claim: str, value: object
) -> None:
    with pytest.raises(InvalidClaimError) as refusal:
        verifier.verify(signed(clock, **{claim: value}))
    assert refusal.value.reason == f"invalid claim: {claim}"


def test_the_last_second_of_year_9999_is_still_an_expiry(
    verifier: TokenVerifier, clock: FixedClock
) -> None:
    verified = verifier.verified(signed(clock, exp=MAX_NUMERIC_DATE))
    assert verified.expires_at == MAX_NUMERIC_DATE


def test_the_authorizer_answers_an_overflowing_expiry_with_a_reason_not_a_crash(
    verifier: TokenVerifier, clock: FixedClock
) -> None:
    context = authorizer_context(verifier, f"Bearer {signed(clock, exp=10**400)}")
    assert context == {"auth_error": "invalid claim: exp"}


def test_the_authorizers_expiry_is_the_verified_one(
    verifier: TokenVerifier, clock: FixedClock
) -> None:
    expires = int(clock.now().timestamp()) + 1234
    token = signed(clock, exp=expires, roles=["coach"])

    verified = verifier.verified_bearer(f"Bearer {token}")
    context = authorizer_context(verifier, f"Bearer {token}")

    assert verified.expires_at == context["exp"] == expires
    assert verified.claims["exp"] == expires
    assert context["roles"] == '["coach"]'


@pytest.mark.parametrize(
    "roles",
    [
        ["coach"] * (MAX_ROLES + 1),
        ["c" * (MAX_ROLE_CHARS + 1)],
        [""],
        ["coach\n"],
        ["coach", None],
        "coach",
        {"coach": True},
    ],
    ids=["101 roles", "a role of 129 chars", "empty", "a newline", "null", "a string", "an object"],
)
def test_roles_that_are_not_a_bounded_list_of_printable_strings_are_refused(
    verifier: TokenVerifier, clock: FixedClock, roles: object
) -> None:
    with pytest.raises(InvalidClaimError) as refusal:
        verifier.verify(signed(clock, roles=roles))
    assert refusal.value.claim == "roles"


def test_a_role_with_a_comma_is_one_role_and_not_the_coach_role(
    verifier: TokenVerifier, clock: FixedClock
) -> None:
    identity = verifier.verify(signed(clock, roles=["student,coach"]))

    assert identity.roles == {"student,coach"}
    assert not identity.is_coach


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("email", "ada@localhost"),
        ("email", 42),
        ("sub", "u" * 129),
        ("sub", ["u-ada"]),
        ("sub", "ada\u200b"),
        ("tenant_id", "acme "),
        ("tenant_id", 7),
    ],
)
def test_ids_and_email_are_held_to_the_rules_of_the_keys_and_the_email_type(
    verifier: TokenVerifier, clock: FixedClock, claim: str, value: object
) -> None:
    with pytest.raises(InvalidClaimError) as refusal:
        verifier.verify(signed(clock, **{claim: value}))
    assert refusal.value.claim == claim
