"""Signed tokens: only the secret makes one, each works for one purpose, secrets rotate, and a
token may expire."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.signing import (
    MalformedTokenError,
    SignedTokenError,
    Signer,
    SigningSecretError,
    TokenExpiredError,
    TokenSignatureError,
)

SECRET = "current-secret"
OLD_SECRET = "retired-secret"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def signer(context: str = "rapport/test/v1", secrets: object = SECRET) -> Signer:
    return Signer(context, secrets)  # type: ignore[arg-type]


def test_a_token_gives_back_its_payload() -> None:
    token = signer().sign(b"\x00any bytes\xff")

    assert signer().verify(token) == b"\x00any bytes\xff"


def test_a_token_is_two_url_safe_parts_without_padding() -> None:
    payload, signature = signer().sign(b"hello?").split(".")

    assert payload == base64.urlsafe_b64encode(b"hello?").rstrip(b"=").decode()
    assert len(signature) == 43
    assert "=" not in payload + signature


def test_json_claims_round_trip() -> None:
    claims = {"t": "acme", "u": "ada", "n": [1, 2]}

    assert signer().verify_json(signer().sign_json(claims)) == claims


def test_a_token_of_one_purpose_never_verifies_for_another() -> None:
    cursor = signer("rapport/list-cursor/v1").sign(b"same payload")

    with pytest.raises(TokenSignatureError):
        signer("rapport-unsubscribe.v1").verify(cursor)


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token = signer(secrets="someone-elses").sign(b"payload")

    with pytest.raises(TokenSignatureError):
        signer().verify(token)


def test_after_rotation_the_new_secret_signs_and_the_old_one_still_verifies() -> None:
    rotated = signer(secrets=[SECRET, OLD_SECRET])
    old_token = signer(secrets=OLD_SECRET).sign(b"old link")

    assert rotated.verify(old_token) == b"old link"
    assert signer(secrets=SECRET).verify(rotated.sign(b"new link")) == b"new link"
    with pytest.raises(TokenSignatureError):
        signer(secrets=SECRET).verify(old_token)


def test_bytes_and_text_secrets_sign_alike() -> None:
    assert signer(secrets=b"key").sign(b"p") == signer(secrets="key").sign(b"p")


@pytest.mark.parametrize(
    "damage",
    [
        lambda token: token[:-1],
        lambda token: token + "A",
        lambda token: token.split(".")[0],
        lambda token: token + "." + token,
        lambda token: "",
        lambda token: ".",
        lambda token: "é." + token.split(".")[1],
        lambda token: token.replace(".", ".="),
    ],
    ids=[
        "cut",
        "appended",
        "no signature",
        "two joined",
        "empty",
        "only a dot",
        "not base64",
        "padding",
    ],
)
def test_a_damaged_token_is_malformed(damage: Callable[[str], str]) -> None:
    with pytest.raises(MalformedTokenError):
        signer().verify(damage(signer().sign(b"payload")))


def test_a_changed_payload_is_refused() -> None:
    _, signature = signer().sign(b"tenant a").split(".")
    forged = base64.urlsafe_b64encode(b"tenant b").rstrip(b"=").decode()

    with pytest.raises(TokenSignatureError):
        signer().verify(f"{forged}.{signature}")


def test_only_the_canonical_spelling_of_a_signature_verifies() -> None:
    # The last of 43 characters carries 4 bits and 2 that decoding ignores: flipping one of
    # those decodes to the same digest, yet is not the token that was issued.
    payload, signature = signer().sign(b"payload").split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = alphabet[alphabet.index(signature[-1]) ^ 1]
    assert base64.urlsafe_b64decode(signature + "=") == base64.urlsafe_b64decode(
        signature[:-1] + twin + "="
    )

    with pytest.raises(TokenSignatureError):
        signer().verify(f"{payload}.{signature[:-1]}{twin}")


def test_input_over_the_maximum_length_is_refused_before_any_work() -> None:
    short = Signer("rapport/test/v1", SECRET, max_length=60)
    token = short.sign(b"x" * 10)

    assert short.verify(token) == b"x" * 10
    with pytest.raises(MalformedTokenError):
        short.verify(short.sign(b"x" * 20))


@pytest.mark.parametrize("token", [None, 42, b"bytes.token"])
def test_a_token_that_is_not_text_is_malformed(token: object) -> None:
    with pytest.raises(MalformedTokenError):
        signer().verify(token)


@pytest.mark.parametrize(
    "secrets", ["", b"", [], [SECRET, ""]], ids=["empty", "bytes", "none", "one empty"]
)
def test_a_missing_or_empty_secret_is_a_configuration_error(secrets: object) -> None:
    with pytest.raises(SigningSecretError):
        signer(secrets=secrets)


def test_a_signer_needs_a_context() -> None:
    with pytest.raises(ValueError, match="context"):
        Signer("", SECRET)


def test_a_token_that_expires_verifies_until_its_moment() -> None:
    token = signer().sign_json({"u": "ada"}, expires_at=NOW + timedelta(days=30))

    assert signer().verify_json(token, now=NOW + timedelta(days=30, seconds=-1)) == {"u": "ada"}
    with pytest.raises(TokenExpiredError):
        signer().verify_json(token, now=NOW + timedelta(days=30))


def test_an_expiring_token_checked_without_a_clock_is_refused() -> None:
    token = signer().sign_json({"u": "ada"}, expires_at=NOW)

    with pytest.raises(TokenExpiredError):
        signer().verify_json(token)


def test_an_expiry_is_a_parameter_not_a_claim() -> None:
    with pytest.raises(ValueError, match="expires_at"):
        signer().sign_json({"expires_at": 0})
    with pytest.raises(ValueError, match="timezone-aware"):
        signer().sign_json({}, expires_at=datetime(2026, 12, 1))


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b'{"expires_at": "soon"}'])
def test_a_genuine_payload_that_is_not_a_claims_object_is_malformed(payload: bytes) -> None:
    with pytest.raises(MalformedTokenError):
        signer().verify_json(signer().sign(payload), now=NOW)


def test_every_refusal_is_a_signed_token_error() -> None:
    for error in (MalformedTokenError, TokenSignatureError, TokenExpiredError):
        assert issubclass(error, SignedTokenError)
