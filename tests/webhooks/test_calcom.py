"""Cal.com deliveries read as bookings: each trigger, the ping, ignored triggers, bad bodies."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.webhooks import Booking, BookingKind, PayloadError, parse_calcom
from tests.webhooks.signing import encode, fixture_document, load_fixture


def _with(name: str, path: str, value: Any) -> bytes:
    """Fixture `name` with the member at dotted `path` set to `value`, or removed for `...`."""
    document = fixture_document(name)
    *parents, last = path.split(".")
    target = document
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return encode(document)


def test_booking_created_is_a_new_booking() -> None:
    assert parse_calcom(load_fixture("calcom_booking_created")) == Booking(
        provider="calcom",
        kind=BookingKind.CREATED,
        delivery_key="calcom:BOOKING_CREATED:bFJeNb2uX8ANpT3JL5EfXw",
        invitee_email="sam.okafor@example.org",
        invitee_name="Sam Okafor",
        starts_at=datetime(2026, 4, 7, 14, 0, tzinfo=UTC),
        duration_minutes=45,
        # Cal Video: the location is `integrations:daily`, the joinable link is in metadata.
        location="https://app.cal.com/video/bFJeNb2uX8ANpT3JL5EfXw",
        reason=None,
        ignored_because=None,
    )


def test_booking_rescheduled_is_a_reschedule_at_the_new_time() -> None:
    assert parse_calcom(load_fixture("calcom_booking_rescheduled")) == Booking(
        provider="calcom",
        kind=BookingKind.RESCHEDULED,
        delivery_key="calcom:BOOKING_RESCHEDULED:k2TqWv9mLr4pXc7sYb1NhA",
        invitee_email="sam.okafor@example.org",
        invitee_name="Sam Okafor",
        starts_at=datetime(2026, 4, 9, 16, 30, tzinfo=UTC),
        duration_minutes=45,
        location="https://zoom.us/j/93817264550",
    )


def test_booking_cancelled_is_a_cancellation_with_its_reason() -> None:
    assert parse_calcom(load_fixture("calcom_booking_cancelled")) == Booking(
        provider="calcom",
        kind=BookingKind.CANCELLED,
        delivery_key="calcom:BOOKING_CANCELLED:pQ8vZs3HnE6tRk0wJd5YfM",
        invitee_email="lena.fischer@example.de",
        invitee_name="Lena Fischer",
        starts_at=datetime(2026, 4, 8, 15, 0, tzinfo=UTC),
        duration_minutes=30,
        location="Intelligentsia Coffee, 53 W Jackson Blvd, Chicago",
        reason="My manager moved our team offsite to that week, sorry!",
    )


def test_the_rescheduled_fixture_moves_the_created_booking() -> None:
    created = fixture_document("calcom_booking_created")["payload"]
    moved = fixture_document("calcom_booking_rescheduled")["payload"]
    assert moved["rescheduleUid"] == created["uid"]
    assert moved["uid"] != created["uid"]


def test_the_ping_test_is_ignored() -> None:
    """Cal.com's "Ping test" has triggerEvent PING and a sample booking with no uid."""
    document = fixture_document("calcom_ping")
    assert "uid" not in document["payload"]
    booking = parse_calcom(load_fixture("calcom_ping"))
    assert booking.kind is BookingKind.IGNORED
    assert booking.ignored_because is not None
    assert "PING" in booking.ignored_because
    assert booking.invitee_email is None


def test_pings_are_keyed_on_their_body() -> None:
    ping = load_fixture("calcom_ping")
    later = _with("calcom_ping", "createdAt", "2026-03-30T12:05:00.000Z")
    assert parse_calcom(ping).delivery_key == parse_calcom(ping).delivery_key
    assert parse_calcom(ping).delivery_key != parse_calcom(later).delivery_key
    assert parse_calcom(ping).delivery_key.startswith("calcom:PING:")


def test_meeting_ended_is_ignored_and_keyed_on_the_booking() -> None:
    booking = parse_calcom(load_fixture("calcom_meeting_ended"))
    assert booking.kind is BookingKind.IGNORED
    assert booking.ignored_because is not None
    assert "MEETING_ENDED" in booking.ignored_because
    assert booking.delivery_key == "calcom:MEETING_ENDED:bFJeNb2uX8ANpT3JL5EfXw"


@pytest.mark.parametrize(
    "trigger",
    [
        "BOOKING_REQUESTED",
        "BOOKING_REJECTED",
        "BOOKING_PAID",
        "BOOKING_NO_SHOW_UPDATED",
        "MEETING_STARTED",
        "RECORDING_READY",
        "FORM_SUBMITTED",
        "OOO_CREATED",
        "booking_created",  # triggers are case-sensitive
    ],
)
def test_other_triggers_are_ignored_never_refused(trigger: str) -> None:
    body = _with("calcom_booking_created", "triggerEvent", trigger)
    booking = parse_calcom(body)
    assert booking.kind is BookingKind.IGNORED
    assert booking.delivery_key == f"calcom:{trigger}:bFJeNb2uX8ANpT3JL5EfXw"


@pytest.mark.parametrize(
    "document",
    [
        {"triggerEvent": "OOO_CREATED", "payload": {"oooEntry": {"id": 1}}},
        {"triggerEvent": "PING"},
        {"triggerEvent": "PING", "payload": []},
        {"triggerEvent": "PING", "payload": {"uid": 12}},
        {"triggerEvent": "X" * 300, "payload": {"uid": "u" * 300}},
    ],
)
def test_ignored_triggers_tolerate_any_payload_and_keep_keys_bounded(
    document: dict[str, Any],
) -> None:
    booking = parse_calcom(encode(document))
    assert booking.kind is BookingKind.IGNORED
    assert len(booking.delivery_key) <= 120


def test_each_delivery_meaning_has_its_own_key_and_a_retry_keeps_it() -> None:
    names = [
        "calcom_booking_created",
        "calcom_booking_rescheduled",
        "calcom_booking_cancelled",
        "calcom_meeting_ended",
        "calcom_ping",
    ]
    keys = [parse_calcom(load_fixture(name)).delivery_key for name in names]
    assert len(set(keys)) == len(keys)
    retry = _with("calcom_booking_created", "createdAt", "2026-04-01T10:13:37.204Z")
    assert parse_calcom(retry).delivery_key == keys[0]
    # Cancelling the booking that was created is a different meaning of the same uid.
    cancelled = _with("calcom_booking_created", "triggerEvent", "BOOKING_CANCELLED")
    assert parse_calcom(cancelled).delivery_key == "calcom:BOOKING_CANCELLED:bFJeNb2uX8ANpT3JL5EfXw"


def test_a_uid_of_100_chars_is_kept_and_a_longer_one_hashed() -> None:
    uid = "u" * 100
    body = _with("calcom_booking_created", "payload.uid", uid)
    assert parse_calcom(body).delivery_key == f"calcom:BOOKING_CREATED:{uid}"
    long_uid = "u" * 101
    body = _with("calcom_booking_created", "payload.uid", long_uid)
    hashed = hashlib.sha256(long_uid.encode()).hexdigest()[:32]
    assert parse_calcom(body).delivery_key == f"calcom:BOOKING_CREATED:{hashed}"


def test_the_invitee_is_the_first_attendee() -> None:
    document = fixture_document("calcom_booking_created")
    guest = {"email": "guest@example.com", "name": "A Guest", "timeZone": "UTC"}
    document["payload"]["attendees"].append(guest)
    booking = parse_calcom(encode(document))
    assert booking.invitee_email == "sam.okafor@example.org"


def test_an_attendee_without_a_name_has_none() -> None:
    body = _with("calcom_booking_created", "payload.attendees", [{"email": "x@example.com"}])
    booking = parse_calcom(body)
    assert (booking.invitee_email, booking.invitee_name) == ("x@example.com", None)


def test_cancellation_reason_is_optional_and_bounded() -> None:
    assert (
        parse_calcom(_with("calcom_booking_cancelled", "payload.cancellationReason", ...)).reason
        is None
    )
    assert (
        parse_calcom(_with("calcom_booking_cancelled", "payload.cancellationReason", None)).reason
        is None
    )
    long = _with("calcom_booking_cancelled", "payload.cancellationReason", "x" * 6000)
    assert parse_calcom(long).reason == "x" * 5000


def test_only_a_cancellation_carries_a_reason() -> None:
    body = _with("calcom_booking_created", "payload.cancellationReason", "stray")
    assert parse_calcom(body).reason is None


@pytest.mark.parametrize(
    ("location", "metadata", "expected"),
    [
        (
            "integrations:daily",
            {"videoCallUrl": "https://app.cal.com/video/x"},
            "https://app.cal.com/video/x",
        ),
        ("integrations:zoom", {}, "integrations:zoom"),
        (
            "https://zoom.us/j/1",
            {"videoCallUrl": "https://app.cal.com/video/x"},
            "https://zoom.us/j/1",
        ),
        ("Ferry Building", None, "Ferry Building"),
        (None, {"videoCallUrl": "https://app.cal.com/video/x"}, "https://app.cal.com/video/x"),
        ("", None, None),
        (None, None, None),
        ({"type": "address"}, None, None),
        ("L" * 300, None, "L" * 200),
    ],
)
def test_location(location: Any, metadata: Any, expected: str | None) -> None:
    document = fixture_document("calcom_booking_created")
    document["payload"]["location"] = location
    document["payload"]["metadata"] = metadata
    assert parse_calcom(encode(document)).location == expected


@pytest.mark.parametrize(
    ("end_time", "minutes"),
    [
        ("2026-04-07T14:00:00Z", 5),
        ("2026-04-07T14:03:00Z", 5),
        ("2026-04-07T14:15:00Z", 15),
        ("2026-04-07T18:00:00Z", 240),
        ("2026-04-07T23:59:00Z", 240),
    ],
)
def test_duration_is_clamped_to_5_to_240(end_time: str, minutes: int) -> None:
    body = _with("calcom_booking_created", "payload.endTime", end_time)
    assert parse_calcom(body).duration_minutes == minutes


def test_times_with_offsets_or_milliseconds_become_utc() -> None:
    document = fixture_document("calcom_booking_created")
    document["payload"].update(
        startTime="2026-04-07T16:00:00.000+02:00", endTime="2026-04-07T14:45:00.000Z"
    )
    booking = parse_calcom(encode(document))
    assert booking.starts_at == datetime(2026, 4, 7, 14, 0, tzinfo=UTC)
    assert booking.duration_minutes == 45


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("triggerEvent", ..., "triggerEvent"),
        ("triggerEvent", None, "triggerEvent"),
        ("triggerEvent", ["BOOKING_CREATED"], "triggerEvent"),
        ("payload", ..., "payload"),
        ("payload", "booking", "payload"),
        ("payload.uid", ..., "payload.uid"),
        ("payload.uid", 1187342, "payload.uid"),
        ("payload.uid", "  ", "payload.uid"),
        ("payload.attendees", ..., "payload.attendees"),
        ("payload.attendees", [], "payload.attendees"),
        ("payload.attendees", {"email": "x@example.com"}, "payload.attendees"),
        ("payload.attendees", ["x@example.com"], "payload.attendees[0]"),
        ("payload.attendees", [{"name": "No Email"}], "payload.attendees[0].email"),
        ("payload.attendees", [{"email": "nobody"}], "payload.attendees[0].email"),
        ("payload.startTime", ..., "payload.startTime"),
        ("payload.startTime", "2026-04-07T14:00:00", "payload.startTime"),
        ("payload.startTime", "07/04/2026 14:00", "payload.startTime"),
        ("payload.endTime", ..., "payload.endTime"),
        ("payload.endTime", "2026-04-07T13:59:00Z", "payload.endTime"),
        ("payload.endTime", "9999-12-31T23:59:59-01:00", "payload.endTime"),
    ],
)
def test_missing_or_wrong_fields_name_their_path(path: str, value: Any, field: str) -> None:
    body = _with("calcom_booking_created", path, value)
    with pytest.raises(PayloadError) as raised:
        parse_calcom(body)
    assert raised.value.field == field


@pytest.mark.parametrize(
    "body",
    [b"", b"<xml/>", b"\x00\x01", b"[" * 100_000, b"true", b'[{"triggerEvent":"BOOKING_CREATED"}]'],
)
def test_a_body_that_is_no_json_object_is_a_payload_error_at_the_root(body: bytes) -> None:
    with pytest.raises(PayloadError) as raised:
        parse_calcom(body)
    assert raised.value.field == "$"


# Fuzzing: whatever arrives, the parser answers a Booking or a PayloadError, nothing else.

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
_PATHS = [
    "triggerEvent",
    "payload",
    "payload.uid",
    "payload.startTime",
    "payload.endTime",
    "payload.attendees",
    "payload.location",
    "payload.metadata",
    "payload.cancellationReason",
]
_FIXTURES = [
    "calcom_booking_created",
    "calcom_booking_rescheduled",
    "calcom_booking_cancelled",
    "calcom_meeting_ended",
    "calcom_ping",
]
_DOCUMENTS = {name: fixture_document(name) for name in _FIXTURES}


def _parses_or_refuses(body: bytes) -> None:
    try:
        booking = parse_calcom(body)
    except PayloadError:
        return
    assert isinstance(booking, Booking)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=2048))
def test_arbitrary_bytes_raise_only_payload_error(body: bytes) -> None:
    _parses_or_refuses(body)


@settings(max_examples=300)
@given(document=_JSON)
def test_arbitrary_json_raises_only_payload_error(document: object) -> None:
    _parses_or_refuses(json.dumps(document).encode())


@settings(max_examples=400)
@given(
    name=st.sampled_from(_FIXTURES),
    changes=st.lists(st.tuples(st.sampled_from(_PATHS), _JSON | st.just(...)), max_size=3),
    attendee=st.none() | st.dictionaries(st.sampled_from(["email", "name"]), _JSON, max_size=2),
)
def test_fixtures_with_fields_replaced_raise_only_payload_error(
    name: str, changes: list[tuple[str, Any]], attendee: dict[str, Any] | None
) -> None:
    document = copy.deepcopy(_DOCUMENTS[name])
    if attendee is not None:
        document["payload"]["attendees"] = [attendee]
    for path, value in changes:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            continue
        if value is ...:
            target.pop(last, None)
        else:
            target[last] = value
    _parses_or_refuses(json.dumps(document).encode())
