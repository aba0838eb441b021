"""Unsubscribe tokens name one user of one tenant; only the secret can make or bend one."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.reminders.unsubscribe import (
    UnsubscribeSecretError,
    UnsubscribeTokenError,
    accepted_secrets,
    make_unsubscribe_token,
    unsubscribe_url,
    verify_unsubscribe_token,
)

SECRET = "current-secret"
OLD_SECRET = "retired-secret"


def _parts(token: str) -> list[str]:
    return token.split(".")


def test_a_token_round_trips_to_its_tenant_and_user() -> None:
    token = make_unsubscribe_token(SECRET, "t-1", "u-1")

    assert verify_unsubscribe_token(SECRET, token) == ("t-1", "u-1")


@given(tenant=st.text(min_size=1, max_size=60), user=st.text(min_size=1, max_size=60))
def test_any_tenant_and_user_round_trip(tenant: str, user: str) -> None:
    assert verify_unsubscribe_token(SECRET, make_unsubscribe_token(SECRET, tenant, user)) == (
        tenant,
        user,
    )


@pytest.mark.parametrize(
    ("tenant", "user"),
    [("t-1", "u-2"), ("t-2", "u-1")],
    ids=["another user", "another tenant"],
)
def test_a_signature_moved_onto_another_identity_is_rejected(tenant: str, user: str) -> None:
    genuine = _parts(make_unsubscribe_token(SECRET, "t-1", "u-1"))
    other = _parts(make_unsubscribe_token(SECRET, tenant, user))
    forged = ".".join([genuine[0], other[1], genuine[2]])

    with pytest.raises(UnsubscribeTokenError):
        verify_unsubscribe_token(SECRET, forged)


def test_a_token_signed_with_another_secret_is_rejected() -> None:
    token = make_unsubscribe_token("someone-elses-secret", "t-1", "u-1")

    with pytest.raises(UnsubscribeTokenError):
        verify_unsubscribe_token(SECRET, token)


@pytest.mark.parametrize(
    "damage",
    [
        lambda token: token[:-1],
        lambda token: token[:-10],
        lambda token: token.rsplit(".", 1)[0],
        lambda token: token + "A",
        lambda token: token[:-1] + ("B" if token[-1] != "B" else "C"),
        lambda token: "v2" + token[2:],
        lambda token: "",
        lambda token: "v1.é.x",
        lambda token: token + "." + token,
        lambda token: "v1." + "A" * 5000 + ".sig",
    ],
    ids=[
        "last character cut",
        "signature truncated",
        "signature removed",
        "character appended",
        "signature character changed",
        "unknown version",
        "empty",
        "not base64",
        "two tokens joined",
        "huge",
    ],
)
def test_a_damaged_token_is_rejected(damage: Callable[[str], str]) -> None:
    token = make_unsubscribe_token(SECRET, "t-1", "u-1")

    with pytest.raises(UnsubscribeTokenError):
        verify_unsubscribe_token(SECRET, damage(token))


def test_a_signed_payload_that_is_not_an_identity_is_rejected() -> None:
    # Only someone holding the secret could produce this; it must still not crash the handler.
    payload = base64.urlsafe_b64encode(b'{"t": 1}').rstrip(b"=").decode()
    message = b"rapport-unsubscribe.v1." + payload.encode()
    signature = hmac.new(SECRET.encode(), message, hashlib.sha256).digest()
    token = f"v1.{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"

    with pytest.raises(UnsubscribeTokenError, match="payload"):
        verify_unsubscribe_token(SECRET, token)


def test_after_rotation_old_links_keep_working_and_new_ones_use_the_new_secret() -> None:
    old_link = make_unsubscribe_token(OLD_SECRET, "t-1", "u-1")
    new_link = make_unsubscribe_token([SECRET, OLD_SECRET], "t-1", "u-1")

    assert verify_unsubscribe_token([SECRET, OLD_SECRET], old_link) == ("t-1", "u-1")
    assert verify_unsubscribe_token(SECRET, new_link) == ("t-1", "u-1")
    with pytest.raises(UnsubscribeTokenError):
        verify_unsubscribe_token(SECRET, old_link)


@pytest.mark.parametrize("secrets", ["", [], [SECRET, ""]], ids=["empty", "none", "one empty"])
def test_an_empty_secret_is_a_configuration_error(secrets: str | list[str]) -> None:
    with pytest.raises(UnsubscribeSecretError):
        make_unsubscribe_token(secrets, "t-1", "u-1")


def test_a_comma_separated_setting_lists_the_signing_secret_first() -> None:
    assert accepted_secrets(f" {SECRET} , {OLD_SECRET},") == (SECRET, OLD_SECRET)
    with pytest.raises(UnsubscribeSecretError):
        accepted_secrets(None)


def test_the_unsubscribe_url_carries_the_token_intact() -> None:
    token = make_unsubscribe_token(SECRET, "tenant with spaces & symbols", "ü/ser?")

    url = unsubscribe_url("https://api.rapport.example/", token)

    assert url.startswith("https://api.rapport.example/unsubscribe?token=")
    assert parse_qs(urlsplit(url).query) == {"token": [token]}
    assert verify_unsubscribe_token(SECRET, parse_qs(urlsplit(url).query)["token"][0]) == (
        "tenant with spaces & symbols",
        "ü/ser?",
    )
