"""Minted tokens carry exactly the claims the local verifier needs, and nothing it would refuse."""

from __future__ import annotations

from datetime import datetime

import jwt
import pytest

from chalicelib.auth import mint_token
from chalicelib.clock import FixedClock

SECRET = "test-secret-that-is-long-enough-for-hs256"


def test_a_minted_token_has_the_local_claims_and_lifetime(clock: FixedClock) -> None:
    token = mint_token(
        SECRET,
        tenant="acme",
        user="u-ada",
        email="ada@example.com",
        roles=["coach", "admin", "coach"],
        ttl_seconds=600,
        now=clock.now(),
    )

    claims = jwt.decode(
        token, SECRET, algorithms=["HS256"], audience="rapport", options={"verify_exp": False}
    )
    issued = int(clock.now().timestamp())
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert claims == {
        "sub": "u-ada",
        "tenant_id": "acme",
        "email": "ada@example.com",
        "roles": ["admin", "coach"],
        "iss": "rapport-local",
        "aud": "rapport",
        "iat": issued,
        "exp": issued + 600,
    }


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"secret": "short"}, "32 bytes"),
        ({"ttl_seconds": 0}, "ttl_seconds"),
        ({"now": datetime(2026, 11, 26, 14, 0)}, "timezone-aware"),
        ({"tenant": "acme#U#bob"}, "tenant id"),
        ({"user": ""}, "user id"),
        ({"email": "ada"}, "email"),
    ],
)
def test_a_token_the_verifier_would_refuse_is_not_minted(
    clock: FixedClock, arguments: dict[str, object], problem: str
) -> None:
    values: dict[str, object] = {
        "secret": SECRET,
        "tenant": "acme",
        "user": "u-ada",
        "email": "ada@example.com",
        "now": clock.now(),
    } | arguments
    secret = values.pop("secret")

    with pytest.raises(ValueError, match=problem):
        mint_token(secret, **values)  # type: ignore[arg-type]
