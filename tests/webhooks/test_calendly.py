"""Calendly deliveries read as bookings: each fixture, reschedules, ignored events, bad bodies."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.webhooks import Booking, BookingKind, PayloadError, parse_calendly
from tests.webhooks.signing import encode, fixture_document, load_fixture


def _key(event: str, uri: str) -> str:
    return f"calendly:{event}:{hashlib.sha256(uri.encode()).hexdigest()[:32]}"


CREATED_URI = "https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AF4EQLMWAQL2FBE4"
CANCELED_URI = (
    "https://api.calendly.com/scheduled_events/FFQHMKD4WQCQZ6JN/invitees/DHXQWE2KDPNPSQZR"
)
OLD_URI = "https://api.calendly.com/scheduled_events/CCHN6PQZL2KDW4YA/invitees/EEKR3QZ7BYB5TXWM"
NEW_URI = "https://api.calendly.com/scheduled_events/HDPJ2WXQM7RTB3KC/invitees/BQZC5NHW4YKFGM2P"


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


def test_invitee_created_is_a_new_booking() -> None:
    assert parse_calendly(load_fixture("calendly_invitee_created")) == Booking(
        provider="calendly",
        kind=BookingKind.CREATED,
        delivery_key=_key("invitee.created", CREATED_URI),
        invitee_email="priya.raman@example.com",
        invitee_name="Priya Raman",
        starts_at=datetime(2026, 3, 10, 17, 0, tzinfo=UTC),
        duration_minutes=30,
        location="https://calendly.zoom.us/j/84214967318",
        reason=None,
        ignored_because=None,
    )


def test_invitee_canceled_is_a_cancellation_with_its_reason() -> None:
    assert parse_calendly(load_fixture("calendly_invitee_canceled")) == Booking(
        provider="calendly",
        kind=BookingKind.CANCELLED,
        delivery_key=_key("invitee.canceled", CANCELED_URI),
        invitee_email="marcus.chen@example.org",
        invitee_name="Marcus Chen",  # from first_name + last_name, as name is null
        starts_at=datetime(2026, 3, 11, 16, 0, tzinfo=UTC),
        duration_minutes=45,
        location="Blue Bottle Coffee, 66 Mint St, San Francisco, CA",
        reason="Something came up at work. Could we find a time next month instead?",
    )


def test_reschedule_cancel_is_ignored_as_the_new_booking_carries_it() -> None:
    booking = parse_calendly(load_fixture("calendly_reschedule_canceled"))
    assert booking.kind is BookingKind.IGNORED
    assert booking.ignored_because == "rescheduled: the new booking carries it"
    assert booking.delivery_key == _key("invitee.canceled", OLD_URI)
    assert booking.invitee_email == "aisha.bello@example.net"
    assert booking.starts_at == datetime(2026, 3, 12, 16, 0, tzinfo=UTC)


def test_reschedule_create_is_the_one_reschedule() -> None:
    assert parse_calendly(load_fixture("calendly_reschedule_created")) == Booking(
        provider="calendly",
        kind=BookingKind.RESCHEDULED,
        delivery_key=_key("invitee.created", NEW_URI),
        invitee_email="aisha.bello@example.net",
        invitee_name="Aisha Bello",
        starts_at=datetime(2026, 3, 13, 18, 0, tzinfo=UTC),
        duration_minutes=30,
        location="https://meet.google.com/rbq-hmzt-yvo",
    )


def test_the_reschedule_pair_refers_to_each_other() -> None:
    """The fixtures model one reschedule: the cancel names the new invitee, the create the old."""
    canceled = fixture_document("calendly_reschedule_canceled")["payload"]
    created = fixture_document("calendly_reschedule_created")["payload"]
    assert canceled["new_invitee"] == created["uri"] == NEW_URI
    assert created["old_invitee"] == canceled["uri"] == OLD_URI


@pytest.mark.parametrize(
    "order",
    [
        ("calendly_reschedule_canceled", "calendly_reschedule_created"),
        ("calendly_reschedule_created", "calendly_reschedule_canceled"),
    ],
)
def test_a_reschedule_is_one_rescheduled_in_either_order(order: tuple[str, str]) -> None:
    kinds = [parse_calendly(load_fixture(name)).kind for name in order]
    assert kinds.count(BookingKind.RESCHEDULED) == 1
    assert BookingKind.CANCELLED not in kinds
    assert BookingKind.CREATED not in kinds


def test_routing_form_submission_is_ignored_with_a_reason() -> None:
    booking = parse_calendly(load_fixture("calendly_routing_form_submission"))
    assert booking.kind is BookingKind.IGNORED
    assert booking.ignored_because is not None
    assert "routing_form_submission.created" in booking.ignored_because
    uri = "https://api.calendly.com/routing_form_submissions/GQXK3MPR7ZTW2HBD"
    assert booking.delivery_key == _key("routing_form_submission.created", uri)
    assert booking.invitee_email is None
    assert booking.starts_at is None


@pytest.mark.parametrize(
    "document",
    [
        {"event": "invitee_no_show.created", "payload": {"uri": "https://x/no_shows/1"}},
        {"event": "meeting_recap.created"},
        {"event": "contact.created", "payload": "not an object"},
        {"event": "x" * 500, "payload": {}},
        {"event": "événement", "payload": {"uri": 7}},
    ],
)
def test_other_events_are_ignored_never_refused(document: dict[str, Any]) -> None:
    booking = parse_calendly(encode(document))
    assert booking.kind is BookingKind.IGNORED
    assert booking.ignored_because
    assert len(booking.delivery_key) <= 120
    assert booking.delivery_key.isascii()


def test_an_ignored_event_without_a_uri_is_keyed_on_its_body() -> None:
    first = encode({"event": "meeting_recap.created", "created_at": "2026-03-01T00:00:00Z"})
    second = encode({"event": "meeting_recap.created", "created_at": "2026-03-02T00:00:00Z"})
    assert parse_calendly(first).delivery_key == parse_calendly(first).delivery_key
    assert parse_calendly(first).delivery_key != parse_calendly(second).delivery_key


def test_a_redelivery_keeps_its_key_and_distinct_deliveries_differ() -> None:
    names = [
        "calendly_invitee_created",
        "calendly_invitee_canceled",
        "calendly_reschedule_canceled",
        "calendly_reschedule_created",
        "calendly_routing_form_submission",
    ]
    keys = [parse_calendly(load_fixture(name)).delivery_key for name in names]
    assert len(set(keys)) == len(keys)
    # A retry may differ in the envelope (its created_at), never in the invitee.
    retry = _with("calendly_invitee_created", "created_at", "2026-03-02T15:09:12.000000Z")
    assert parse_calendly(retry).delivery_key == keys[0]
    # The created and canceled deliveries of one invitee are distinct meanings.
    canceled = _with("calendly_invitee_created", "event", "invitee.canceled")
    assert parse_calendly(canceled).delivery_key != keys[0]


def test_keys_hash_the_uri_rather_than_embed_it() -> None:
    key = parse_calendly(load_fixture("calendly_invitee_created")).delivery_key
    assert "calendly.com" not in key
    assert len(key.rsplit(":", 1)[1]) == 32


def test_rescheduled_false_cancel_is_a_cancellation_and_missing_means_false() -> None:
    removed = _with("calendly_invitee_canceled", "payload.rescheduled", ...)
    assert parse_calendly(removed).kind is BookingKind.CANCELLED
    nulled = _with("calendly_invitee_canceled", "payload.rescheduled", None)
    assert parse_calendly(nulled).kind is BookingKind.CANCELLED


@pytest.mark.parametrize("old_invitee", [None, ""])
def test_created_without_old_invitee_is_new(old_invitee: str | None) -> None:
    body = _with("calendly_reschedule_created", "payload.old_invitee", old_invitee)
    assert parse_calendly(body).kind is BookingKind.CREATED


def test_created_with_old_invitee_absent_is_new() -> None:
    body = _with("calendly_reschedule_created", "payload.old_invitee", ...)
    assert parse_calendly(body).kind is BookingKind.CREATED


def test_cancellation_without_a_reason_has_none() -> None:
    for value in (None, "", "   "):
        body = _with("calendly_invitee_canceled", "payload.cancellation.reason", value)
        assert parse_calendly(body).reason is None
    body = _with("calendly_invitee_canceled", "payload.cancellation", ...)
    assert parse_calendly(body).reason is None


def test_a_long_reason_is_truncated_to_5000() -> None:
    body = _with("calendly_invitee_canceled", "payload.cancellation.reason", "r" * 9000)
    assert parse_calendly(body).reason == "r" * 5000


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ({"type": "physical", "location": "Ferry Building"}, "Ferry Building"),
        ({"type": "zoom", "join_url": "https://zoom.us/j/1"}, "https://zoom.us/j/1"),
        ({"type": "outbound_call", "location": "+1 415 555 0100"}, "+1 415 555 0100"),
        ({"type": "zoom", "status": "failed", "join_url": None}, "zoom"),
        ({"type": "custom", "location": ""}, "custom"),
        ({}, None),
        (None, None),
        ("a string", None),
    ],
)
def test_location_prefers_place_then_link_then_type(location: Any, expected: str | None) -> None:
    body = _with("calendly_invitee_created", "payload.scheduled_event.location", location)
    assert parse_calendly(body).location == expected


def test_a_long_location_is_truncated_to_200() -> None:
    location = {"type": "physical", "location": "L" * 500}
    body = _with("calendly_invitee_created", "payload.scheduled_event.location", location)
    assert parse_calendly(body).location == "L" * 200


@pytest.mark.parametrize(
    ("name", "first", "last", "expected"),
    [
        ("Priya Raman", None, None, "Priya Raman"),
        (None, "Priya", "Raman", "Priya Raman"),
        ("", "Priya", None, "Priya"),
        (None, None, "Raman", "Raman"),
        (None, None, None, None),
        (42, None, None, None),
    ],
)
def test_name_is_name_or_first_and_last(
    name: Any, first: str | None, last: str | None, expected: str | None
) -> None:
    document = fixture_document("calendly_invitee_created")
    document["payload"].update(name=name, first_name=first, last_name=last)
    assert parse_calendly(encode(document)).invitee_name == expected


@pytest.mark.parametrize(
    ("end_time", "minutes"),
    [
        ("2026-03-10T17:00:00Z", 5),  # zero length
        ("2026-03-10T17:02:00Z", 5),
        ("2026-03-10T17:05:00Z", 5),
        ("2026-03-10T17:29:40Z", 30),  # rounded to the nearest minute
        ("2026-03-10T21:00:00Z", 240),
        ("2026-03-11T17:00:00Z", 240),  # a day
    ],
)
def test_duration_is_clamped_to_5_to_240(end_time: str, minutes: int) -> None:
    body = _with("calendly_invitee_created", "payload.scheduled_event.end_time", end_time)
    assert parse_calendly(body).duration_minutes == minutes


def test_times_with_offsets_become_utc() -> None:
    document = fixture_document("calendly_invitee_created")
    document["payload"]["scheduled_event"].update(
        start_time="2026-03-10T12:00:00-05:00", end_time="2026-03-10T18:30:00+01:00"
    )
    booking = parse_calendly(encode(document))
    assert booking.starts_at == datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    assert booking.starts_at is not None
    assert booking.starts_at.utcoffset() is not None
    assert booking.duration_minutes == 30


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("event", ..., "event"),
        ("event", 7, "event"),
        ("event", "", "event"),
        ("payload", ..., "payload"),
        ("payload", [], "payload"),
        ("payload.uri", ..., "payload.uri"),
        ("payload.uri", None, "payload.uri"),
        ("payload.email", ..., "payload.email"),
        ("payload.email", "not-an-address", "payload.email"),
        ("payload.email", "a@" + "b" * 400, "payload.email"),
        ("payload.scheduled_event", ..., "payload.scheduled_event"),
        ("payload.scheduled_event", "uri", "payload.scheduled_event"),
        ("payload.scheduled_event.start_time", ..., "payload.scheduled_event.start_time"),
        ("payload.scheduled_event.start_time", "tomorrow", "payload.scheduled_event.start_time"),
        (
            "payload.scheduled_event.start_time",
            "2026-03-10T17:00:00",  # no offset: refused, not guessed
            "payload.scheduled_event.start_time",
        ),
        ("payload.scheduled_event.start_time", "2026-03-10", "payload.scheduled_event.start_time"),
        ("payload.scheduled_event.start_time", 1773162000, "payload.scheduled_event.start_time"),
        (
            "payload.scheduled_event.start_time",
            "0001-01-01T00:00:00+01:00",  # out of range once in UTC
            "payload.scheduled_event.start_time",
        ),
        ("payload.scheduled_event.end_time", ..., "payload.scheduled_event.end_time"),
        (
            "payload.scheduled_event.end_time",
            "2026-03-10T16:59:00Z",  # before the start
            "payload.scheduled_event.end_time",
        ),
        ("payload.old_invitee", 42, "payload.old_invitee"),
    ],
)
def test_missing_or_wrong_fields_name_their_path(path: str, value: Any, field: str) -> None:
    body = _with("calendly_invitee_created", path, value)
    with pytest.raises(PayloadError) as raised:
        parse_calendly(body)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ")


def test_rescheduled_must_be_a_boolean() -> None:
    body = _with("calendly_invitee_canceled", "payload.rescheduled", "true")
    with pytest.raises(PayloadError) as raised:
        parse_calendly(body)
    assert raised.value.field == "payload.rescheduled"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"{",
        b"\xff\xfe\x00",
        b"[" * 100_000,  # deep nesting: a RecursionError inside json
        b"1" * 5000,  # an integer beyond Python's conversion limit
        b"null",
        b"[]",
        b'"invitee.created"',
        b"42",
    ],
)
def test_a_body_that_is_no_json_object_is_a_payload_error_at_the_root(body: bytes) -> None:
    with pytest.raises(PayloadError) as raised:
        parse_calendly(body)
    assert raised.value.field == "$"


def test_an_oversized_body_is_refused_before_parsing() -> None:
    with pytest.raises(PayloadError, match="larger"):
        parse_calendly(b" " * (1024 * 1024 + 1))


def test_payload_error_is_a_value_error_carrying_field_and_message() -> None:
    error = PayloadError("payload.uri", "missing")
    assert isinstance(error, ValueError)
    assert (error.field, error.message, str(error)) == (
        "payload.uri",
        "missing",
        "payload.uri: missing",
    )


# Fuzzing: whatever arrives, the parser answers a Booking or a PayloadError, nothing else.

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
_PATHS = [
    "event",
    "payload",
    "payload.uri",
    "payload.email",
    "payload.name",
    "payload.first_name",
    "payload.rescheduled",
    "payload.old_invitee",
    "payload.cancellation",
    "payload.scheduled_event",
    "payload.scheduled_event.start_time",
    "payload.scheduled_event.end_time",
    "payload.scheduled_event.location",
]
_FIXTURES = [
    "calendly_invitee_created",
    "calendly_invitee_canceled",
    "calendly_reschedule_canceled",
    "calendly_reschedule_created",
]
_DOCUMENTS = {name: fixture_document(name) for name in _FIXTURES}


def _parses_or_refuses(body: bytes) -> None:
    try:
        booking = parse_calendly(body)
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
)
def test_fixtures_with_fields_replaced_raise_only_payload_error(
    name: str, changes: list[tuple[str, Any]]
) -> None:
    document = copy.deepcopy(_DOCUMENTS[name])
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
