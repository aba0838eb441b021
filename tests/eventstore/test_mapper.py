"""The one mapping between stored and domain events: what is appended is what is read back."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib import correlation
from chalicelib.domain import events as ev
from chalicelib.domain.vocabulary import Channel
from chalicelib.eventstore.codec import decode_event, event_item
from chalicelib.eventstore.mapper import (
    REDACTED_FLAG,
    is_redacted,
    new_event,
    redacted_data,
    to_envelope,
)
from chalicelib.eventstore.memory import InMemoryEventStore
from chalicelib.eventstore.port import StreamId

STREAM = StreamId("acme", "c-1")
AT = datetime(2026, 11, 26, 14, 0, 0, 250_000, tzinfo=UTC)
ADDED = ev.ContactAdded(name="Ada Park", email="ada@example.com")


def test_a_new_event_carries_the_datas_type_schema_and_json() -> None:
    event = new_event(ev.OutreachSent(channel=Channel.LINKEDIN), AT, "ada", "request-1")

    assert (event.type, event.schema_version) == ("outreach_sent", 1)
    assert event.data == {"channel": "linkedin", "message": None}
    assert (event.occurred_at, event.actor, event.correlation_id) == (AT, "ada", "request-1")


def test_each_new_event_gets_its_own_id_and_a_fresh_correlation_id_unless_given() -> None:
    first, second = new_event(ADDED, AT, "ada"), new_event(ADDED, AT, "ada")

    assert first.event_id
    assert first.event_id != second.event_id
    assert first.correlation_id
    assert first.correlation_id != second.correlation_id
    assert new_event(ADDED, AT, "sweep", "").correlation_id == ""


def test_a_partial_event_is_stored_with_only_the_fields_it_names() -> None:
    assert new_event(ev.ContactUpdated(role="CTO"), AT, "ada").data == {"role": "CTO"}


def test_what_is_appended_reads_back_as_the_same_domain_event() -> None:
    store = InMemoryEventStore()
    store.append(
        STREAM, [new_event(ADDED, AT, "ada")], expected_version=0, owner_id="ada", recorded_at=AT
    )

    [stored] = store.read(STREAM)
    envelope = to_envelope(stored)

    assert envelope.data == ADDED
    assert (envelope.version, envelope.occurred_at, envelope.actor) == (1, AT, "ada")


def test_a_redacted_event_loses_its_personal_fields_and_still_reads() -> None:
    store = InMemoryEventStore()
    store.append(
        STREAM, [new_event(ADDED, AT, "ada")], expected_version=0, owner_id="ada", recorded_at=AT
    )
    [stored] = store.read(STREAM)
    assert not is_redacted(stored)

    store.redact(STREAM, {1: redacted_data(stored)})
    [erased] = store.read(STREAM)

    assert is_redacted(erased)
    assert erased.data == {"source": "cold_outreach", REDACTED_FLAG: True}
    assert to_envelope(erased).data == ev.ContactAdded(name="(erased)")


def test_without_a_correlation_id_a_new_event_takes_the_one_bound_by_the_request() -> None:
    with correlation.bound("req-7"):
        bound = new_event(ADDED, AT, "ada")
    assert bound.correlation_id == "req-7"
    assert new_event(ADDED, AT, "ada").correlation_id != "req-7"


def test_a_stored_item_without_a_correlation_id_reads_as_having_none() -> None:
    store = InMemoryEventStore()
    (stored,) = store.append(
        STREAM, [new_event(ADDED, AT, "ada")], expected_version=0, owner_id="ada", recorded_at=AT
    )
    item = {name: value for name, value in event_item(stored).items() if name != "correlation_id"}

    assert decode_event(STREAM, item).correlation_id == ""
