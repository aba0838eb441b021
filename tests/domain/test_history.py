"""Stored events back into a contact's state: the round trip through the event store's shape."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain import events as ev
from chalicelib.domain import upcasting
from chalicelib.domain.fold import fold
from chalicelib.domain.state import Envelope, Interview
from chalicelib.domain.vocabulary import Status
from chalicelib.eventstore.mapper import REDACTED_FLAG
from chalicelib.eventstore.mapper import to_envelope as envelope
from chalicelib.eventstore.port import StoredEvent, StreamId
from chalicelib.service.history import state_of
from tests.domain.builders import (
    ACCEPTED,
    ADDED,
    COMPLETED,
    CONTACT_ID,
    LINKEDIN,
    OUTREACH,
    QUESTIONS,
    REFLECTION,
    SAMPLE,
    T0,
    THANKS,
    interview,
    utc,
)

OWNER = "user-1"
STREAM = StreamId("tenant-1", CONTACT_ID)
RECORDING_LAG = timedelta(seconds=2)
BOOKED = interview(utc("2026-03-12T15:00"), 45, "Cafe Nero")
WHOLE_PATH = (
    ADDED,
    OUTREACH,
    ACCEPTED,
    BOOKED,
    SAMPLE["research_noted"],
    QUESTIONS,
    COMPLETED,
    THANKS,
    LINKEDIN,
    REFLECTION,
)


def _when(version: int) -> datetime:
    return T0 + timedelta(days=version)


def _raw(
    version: int,
    event_type: str,
    data: dict[str, Any],
    *,
    schema_version: int = 1,
    actor: str = OWNER,
) -> StoredEvent:
    """An event as the store hands it back, recorded a moment after it happened."""
    return StoredEvent(
        stream=STREAM,
        version=version,
        type=event_type,
        data=data,
        occurred_at=_when(version),
        recorded_at=_when(version) + RECORDING_LAG,
        schema_version=schema_version,
        event_id=f"event-{version}",
        actor=actor,
        correlation_id=f"request-{version}",
        owner_id=OWNER,
    )


def _stored(version: int, data: ev.EventData, *, actor: str = OWNER) -> StoredEvent:
    return _raw(version, data.event_type, data.to_data(), actor=actor)


def _stream(*datas: ev.EventData) -> list[StoredEvent]:
    return [_stored(version, data) for version, data in enumerate(datas, start=1)]


def _erased(events: list[StoredEvent]) -> list[StoredEvent]:
    """What erasure leaves: personal fields gone from the events that had them, then a tombstone."""
    kept = [
        _raw(e.version, e.type, {**ev.redacted(e.data, e.type), REDACTED_FLAG: True})
        if ev.EVENT_TYPES[e.type].PERSONAL
        else e
        for e in events
    ]
    return [*kept, _stored(len(events) + 1, ev.ContactErased())]


def test_the_stored_stream_folds_to_the_same_state_as_the_domain_events() -> None:
    expected = fold(
        CONTACT_ID,
        (
            Envelope(v, data, _when(v), _when(v) + RECORDING_LAG, OWNER)
            for v, data in enumerate(WHOLE_PATH, start=1)
        ),
        owner_id=OWNER,
    )

    state = state_of(CONTACT_ID, _stream(*WHOLE_PATH))

    assert state == expected
    assert state.status is Status.REFLECTED
    assert state.version == len(WHOLE_PATH)
    assert state.interview == Interview(utc("2026-03-12T15:00"), 45, "Cafe Nero")


def test_an_envelope_keeps_the_stored_version_times_and_actor() -> None:
    stored = _stored(3, OUTREACH, actor="coach-9")

    result = envelope(stored)

    assert result == Envelope(3, OUTREACH, _when(3), _when(3) + RECORDING_LAG, "coach-9")


def test_the_owner_is_the_streams_owner_even_when_someone_else_recorded_the_step() -> None:
    events = [_stored(1, ADDED), _stored(2, OUTREACH, actor="coach-9")]

    assert state_of(CONTACT_ID, events).owner_id == OWNER


def test_an_empty_stream_is_no_contact() -> None:
    state = state_of(CONTACT_ID, [])

    assert (state.exists, state.status, state.owner_id, state.version) == (False, None, "", 0)


def test_partial_updates_change_only_what_they_name_after_the_round_trip() -> None:
    moved = ev.InterviewRescheduled(starts_at=utc("2026-03-13T09:00"))
    events = _stream(ADDED, ev.ContactUpdated(role="CTO"), BOOKED, moved)

    state = state_of(CONTACT_ID, events)

    assert (state.name, state.email, state.role) == ("Ada Park", "ada@example.com", "CTO")
    assert state.interview is not None
    assert (state.interview.duration_minutes, state.interview.location) == (45, "Cafe Nero")


def test_a_false_redacted_flag_is_dropped_and_the_data_validated_as_usual() -> None:
    stored = _raw(2, "outreach_sent", {**OUTREACH.to_data(), REDACTED_FLAG: False})

    assert envelope(stored).data == OUTREACH
    assert REDACTED_FLAG in stored.data  # the stored event itself is left alone


def test_a_redacted_event_with_its_personal_fields_gone_is_read() -> None:
    stored = _raw(2, "outreach_sent", {"channel": "linkedin", REDACTED_FLAG: True})

    data = envelope(stored).data

    assert isinstance(data, ev.OutreachSent)
    assert data.message is None


def test_old_stored_data_is_upcast_on_the_way_in(monkeypatch: pytest.MonkeyPatch) -> None:
    registry: dict[tuple[str, int], upcasting.Upcaster] = {}
    monkeypatch.setattr(upcasting, "UPCASTERS", registry)
    upcasting.register_upcaster("reply_received", 0)(lambda d: {"outcome": d["answer"]})
    events = [
        _stored(1, ADDED),
        _stored(2, OUTREACH),
        _raw(3, "reply_received", {"answer": "declined"}, schema_version=0),
    ]

    assert state_of(CONTACT_ID, events).status is Status.DECLINED


def test_an_erased_stream_still_folds_to_an_erased_contact() -> None:
    # Erasure strips each event's personal fields (events.redacted) and flags it; reading the
    # stream back must not fail on the gaps, or every later read of the contact is a 500.
    state = state_of(CONTACT_ID, _erased(_stream(*WHOLE_PATH)))

    assert state.erased
    assert not state.exists
    assert state.name is None
    assert state.questions == ()
    assert all(note.text in (None, "") for note in state.research)


def test_an_erased_stream_keeps_its_facts_with_their_types() -> None:
    # Only personal data goes: the pipeline facts (status, interview time, source) must read
    # back exactly as before, as datetimes and enums rather than raw JSON strings.
    before = state_of(CONTACT_ID, _stream(ADDED, OUTREACH, ACCEPTED, BOOKED))
    after = state_of(CONTACT_ID, _erased(_stream(ADDED, OUTREACH, ACCEPTED, BOOKED)))

    assert before.interview is not None
    assert after.interview is not None
    assert after.interview.starts_at == before.interview.starts_at
    assert isinstance(after.interview.starts_at, datetime)
    assert after.interview.duration_minutes == before.interview.duration_minutes
    assert after.source is before.source
    assert after.status is before.status
