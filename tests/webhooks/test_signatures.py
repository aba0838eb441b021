"""Signature checks: genuine deliveries pass; altered, forged, stale or garbled ones never do."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.webhooks import SignatureError, verify_calcom, verify_calendly
from tests.webhooks.signing import calcom_header, calendly_header, load_fixture

KEY = "calendly-signing-key-3f9a1c"
SECRET = "calcom-webhook-secret-7be2d4"
NOW = datetime(2026, 3, 2, 15, 4, 12, tzinfo=UTC)
T = int(NOW.timestamp())
CALENDLY_BODY = load_fixture("calendly_invitee_created")
CALCOM_BODY = load_fixture("calcom_booking_created")


def _digest(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


# Calendly


def test_calendly_accepts_a_genuine_delivery() -> None:
    verify_calendly(calendly_header(CALENDLY_BODY, KEY, T), CALENDLY_BODY, KEY, NOW)


@pytest.mark.parametrize(
    "name",
    [
        "calendly_invitee_created",
        "calendly_invitee_canceled",
        "calendly_reschedule_canceled",
        "calendly_reschedule_created",
        "calendly_routing_form_submission",
    ],
)
def test_calendly_accepts_every_fixture(name: str) -> None:
    body = load_fixture(name)
    verify_calendly(calendly_header(body, KEY, T), body, KEY, NOW)


def test_calendly_refuses_a_wrong_signature() -> None:
    header = f"t={T},v1={'0' * 64}"
    with pytest.raises(SignatureError, match="does not match"):
        verify_calendly(header, CALENDLY_BODY, KEY, NOW)


def test_calendly_refuses_a_wrong_key() -> None:
    header = calendly_header(CALENDLY_BODY, "another-key", T)
    with pytest.raises(SignatureError, match="does not match"):
        verify_calendly(header, CALENDLY_BODY, KEY, NOW)


def test_calendly_refuses_a_body_changed_by_one_byte() -> None:
    header = calendly_header(CALENDLY_BODY, KEY, T)
    index = CALENDLY_BODY.index(b"Priya")
    altered = CALENDLY_BODY[:index] + b"p" + CALENDLY_BODY[index + 1 :]
    assert len(altered) == len(CALENDLY_BODY)
    with pytest.raises(SignatureError, match="does not match"):
        verify_calendly(header, altered, KEY, NOW)


def test_calendly_refuses_a_body_with_a_byte_appended() -> None:
    header = calendly_header(CALENDLY_BODY, KEY, T)
    with pytest.raises(SignatureError, match="does not match"):
        verify_calendly(header, CALENDLY_BODY + b"\n", KEY, NOW)


def test_calendly_signs_the_timestamp_too() -> None:
    """Moving `t` to a fresh time, keeping the old digest, must not pass."""
    old = calendly_header(CALENDLY_BODY, KEY, T - 3600)
    moved = old.replace(f"t={T - 3600}", f"t={T}")
    with pytest.raises(SignatureError, match="does not match"):
        verify_calendly(moved, CALENDLY_BODY, KEY, NOW)


@pytest.mark.parametrize("skew", [-181, 181, -3600, 86400])
def test_calendly_refuses_a_stale_timestamp_either_way(skew: int) -> None:
    header = calendly_header(CALENDLY_BODY, KEY, T + skew)
    with pytest.raises(SignatureError, match="stale"):
        verify_calendly(header, CALENDLY_BODY, KEY, NOW)


@pytest.mark.parametrize("skew", [-180, -179, 0, 179, 180])
def test_calendly_accepts_a_timestamp_within_tolerance(skew: int) -> None:
    verify_calendly(calendly_header(CALENDLY_BODY, KEY, T + skew), CALENDLY_BODY, KEY, NOW)


def test_calendly_stale_message_says_which_direction() -> None:
    with pytest.raises(SignatureError, match="old"):
        verify_calendly(calendly_header(CALENDLY_BODY, KEY, T - 181), CALENDLY_BODY, KEY, NOW)
    with pytest.raises(SignatureError, match="future"):
        verify_calendly(calendly_header(CALENDLY_BODY, KEY, T + 181), CALENDLY_BODY, KEY, NOW)


def test_calendly_tolerance_is_configurable() -> None:
    header = calendly_header(CALENDLY_BODY, KEY, T - 600)
    verify_calendly(header, CALENDLY_BODY, KEY, NOW, tolerance_seconds=600)
    with pytest.raises(SignatureError, match="stale"):
        verify_calendly(header, CALENDLY_BODY, KEY, NOW, tolerance_seconds=599)


def test_calendly_checks_freshness_against_an_aware_now_in_any_zone() -> None:
    elsewhere = NOW.astimezone(timezone(timedelta(hours=-8)))
    verify_calendly(calendly_header(CALENDLY_BODY, KEY, T), CALENDLY_BODY, KEY, elsewhere)


def test_calendly_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_calendly(
            calendly_header(CALENDLY_BODY, KEY, T), CALENDLY_BODY, KEY, NOW.replace(tzinfo=None)
        )


def test_calendly_refuses_to_verify_with_an_empty_key() -> None:
    """HMAC under an empty key is computable by anyone: that is a configuration error."""
    header = calendly_header(CALENDLY_BODY, "", T)
    with pytest.raises(ValueError, match="signing key"):
        verify_calendly(header, CALENDLY_BODY, "", NOW)


@pytest.mark.parametrize("header", [None, "", "   "])
def test_calendly_refuses_a_missing_header(header: str | None) -> None:
    with pytest.raises(SignatureError, match="missing"):
        verify_calendly(header, CALENDLY_BODY, KEY, NOW)


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        f"t={T}",  # no v1
        f"v1={'a' * 64}",  # no t
        f"t={T},t={T},v1={'a' * 64}",  # two timestamps
        f"t=,v1={'a' * 64}",
        f"t=soon,v1={'a' * 64}",
        f"t=-{T},v1={'a' * 64}",
        f"t={T}.5,v1={'a' * 64}",
        f"t={'9' * 40},v1={'a' * 64}",  # absurdly long timestamp
        f"t={T},v1=",
        f"t={T},v1=xyz",
        f"t={T},v1={'a' * 63}",
        f"t={T},v1={'a' * 65}",
        f"t={T},v1={'g' * 64}",
        f"t={T},,v1={'a' * 64}",
        f"t={T};v1={'a' * 64}",
        f"t={T},=v1",
        f"t={T},v1={'a' * 64}," + "x=y," * 400,  # too long
    ],
)
def test_calendly_refuses_a_malformed_header(header: str) -> None:
    with pytest.raises(SignatureError, match="malformed"):
        verify_calendly(header, CALENDLY_BODY, KEY, NOW)


def test_calendly_accepts_several_v1_values_if_any_matches() -> None:
    genuine = _digest(KEY, f"{T}.".encode() + CALENDLY_BODY)
    other = _digest("rotated-out-key", f"{T}.".encode() + CALENDLY_BODY)
    verify_calendly(f"t={T},v1={other},v1={genuine}", CALENDLY_BODY, KEY, NOW)
    verify_calendly(f"t={T},v1={genuine},v1={other}", CALENDLY_BODY, KEY, NOW)


def test_calendly_refuses_several_v1_values_if_none_matches() -> None:
    one = _digest("key-one", f"{T}.".encode() + CALENDLY_BODY)
    two = _digest("key-two", f"{T}.".encode() + CALENDLY_BODY)
    with pytest.raises(SignatureError, match="does not match"):
        verify_calendly(f"t={T},v1={one},v1={two}", CALENDLY_BODY, KEY, NOW)


def test_calendly_tolerates_spaces_order_uppercase_hex_and_unknown_schemes() -> None:
    genuine = _digest(KEY, f"{T}.".encode() + CALENDLY_BODY)
    header = f" v0=legacy , v1 = {genuine.upper()} ,  t = {T} "
    verify_calendly(header, CALENDLY_BODY, KEY, NOW)


def test_calendly_verifies_raw_bytes_not_reserialised_json() -> None:
    """Whitespace is part of what Calendly signed: the same JSON, re-spaced, does not pass."""
    compact = b'{"event":"invitee.created","payload":{}}'
    spaced = b'{"event": "invitee.created", "payload": {}}'
    header = calendly_header(compact, KEY, T)
    verify_calendly(header, compact, KEY, NOW)
    with pytest.raises(SignatureError):
        verify_calendly(header, spaced, KEY, NOW)


def test_calendly_verifies_bodies_that_are_not_json_or_utf8() -> None:
    """Verification never parses: any bytes sign and verify (parsing fails later, as it should)."""
    body = b"\xff\xfe not json \x00"
    verify_calendly(calendly_header(body, KEY, T), body, KEY, NOW)


@given(body=st.binary(max_size=512), flip=st.integers(min_value=0, max_value=511))
def test_calendly_any_one_byte_change_fails(body: bytes, flip: int) -> None:
    header = calendly_header(body, KEY, T)
    verify_calendly(header, body, KEY, NOW)
    if body:
        index = flip % len(body)
        altered = body[:index] + bytes([body[index] ^ 0x01]) + body[index + 1 :]
        with pytest.raises(SignatureError):
            verify_calendly(header, altered, KEY, NOW)


@given(header=st.text(max_size=300))
def test_calendly_arbitrary_headers_raise_only_signature_error(header: str) -> None:
    with pytest.raises(SignatureError):
        verify_calendly(header, CALENDLY_BODY, KEY, NOW)


# Cal.com


def test_calcom_accepts_a_genuine_delivery() -> None:
    verify_calcom(calcom_header(CALCOM_BODY, SECRET), CALCOM_BODY, SECRET)


@pytest.mark.parametrize(
    "name",
    [
        "calcom_booking_created",
        "calcom_booking_rescheduled",
        "calcom_booking_cancelled",
        "calcom_meeting_ended",
        "calcom_ping",
    ],
)
def test_calcom_accepts_every_fixture(name: str) -> None:
    body = load_fixture(name)
    verify_calcom(calcom_header(body, SECRET), body, SECRET)


@pytest.mark.parametrize(
    "spelling",
    [
        "{}",
        "sha256={}",
        "SHA256={}",
        "  {}  ",
    ],
)
def test_calcom_tolerates_a_sha256_prefix_case_and_spaces(spelling: str) -> None:
    digest = calcom_header(CALCOM_BODY, SECRET)
    verify_calcom(spelling.format(digest), CALCOM_BODY, SECRET)
    verify_calcom(spelling.format(digest.upper()), CALCOM_BODY, SECRET)


def test_calcom_refuses_a_wrong_signature() -> None:
    with pytest.raises(SignatureError, match="does not match"):
        verify_calcom("f" * 64, CALCOM_BODY, SECRET)


def test_calcom_refuses_a_wrong_secret() -> None:
    with pytest.raises(SignatureError, match="does not match"):
        verify_calcom(calcom_header(CALCOM_BODY, "another-secret"), CALCOM_BODY, SECRET)


def test_calcom_refuses_a_body_changed_by_one_byte() -> None:
    header = calcom_header(CALCOM_BODY, SECRET)
    index = CALCOM_BODY.index(b"14:00:00Z")
    altered = CALCOM_BODY[:index] + b"15" + CALCOM_BODY[index + 2 :]
    with pytest.raises(SignatureError, match="does not match"):
        verify_calcom(header, altered, SECRET)


def test_calcom_refuses_a_signature_made_the_calendly_way() -> None:
    """Cal.com signs the body alone; a timestamped digest is not accepted."""
    with pytest.raises(SignatureError, match="does not match"):
        verify_calcom(_digest(SECRET, f"{T}.".encode() + CALCOM_BODY), CALCOM_BODY, SECRET)


@pytest.mark.parametrize("header", [None, "", "  "])
def test_calcom_refuses_a_missing_header(header: str | None) -> None:
    with pytest.raises(SignatureError, match="missing"):
        verify_calcom(header, CALCOM_BODY, SECRET)


@pytest.mark.parametrize(
    "header",
    [
        "no-secret-provided",  # what Cal.com sends when the webhook has no secret
        "sha256=",
        "sha1=" + "a" * 40,
        "a" * 63,
        "a" * 65,
        "z" * 64,
        "sha256=sha256=" + "a" * 64,
        f"t={T},v1={'a' * 64}",
        "a" * 2000,
    ],
)
def test_calcom_refuses_a_malformed_header(header: str) -> None:
    with pytest.raises(SignatureError, match="malformed"):
        verify_calcom(header, CALCOM_BODY, SECRET)


def test_calcom_refuses_to_verify_with_an_empty_secret() -> None:
    with pytest.raises(ValueError, match="secret"):
        verify_calcom(calcom_header(CALCOM_BODY, ""), CALCOM_BODY, "")


@given(body=st.binary(max_size=512), flip=st.integers(min_value=0, max_value=511))
def test_calcom_any_one_byte_change_fails(body: bytes, flip: int) -> None:
    header = calcom_header(body, SECRET)
    verify_calcom(header, body, SECRET)
    if body:
        index = flip % len(body)
        altered = body[:index] + bytes([body[index] ^ 0x80]) + body[index + 1 :]
        with pytest.raises(SignatureError):
            verify_calcom(header, altered, SECRET)


@given(header=st.text(max_size=300))
def test_calcom_arbitrary_headers_raise_only_signature_error(header: str) -> None:
    with pytest.raises(SignatureError):
        verify_calcom(header, CALCOM_BODY, SECRET)
