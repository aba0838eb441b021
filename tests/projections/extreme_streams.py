"""Streams as an old client or a tool may have left them in the store: times at the ends of the
calendar, and events that no longer parse. Written straight to the in-memory store, and the
stream records the projector would get for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import bootstrap
from chalicelib.clock import FixedClock
from chalicelib.eventstore.codec import event_sort_key
from chalicelib.eventstore.port import NewEvent, StreamId
from chalicelib.settings import Settings
from chalicelib.tables import SETTINGS_SK

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
YEAR_1 = datetime(1, 1, 1, tzinfo=UTC)
Record = dict[str, Any]
# An interview whose start no longer parses: what an unprojectable stream looks like.
POISON = NewEvent("interview_scheduled", {"starts_at": "next Tuesday"}, NOW)


def world(clock: FixedClock | None = None) -> bootstrap.Services:
    """In-memory services with what the sweep needs (an unsubscribe secret)."""
    settings = Settings(unsubscribe_secret="test-unsubscribe-secret")
    return bootstrap.in_memory(settings, clock=clock or FixedClock(NOW), sleep=lambda _: None)


def store(
    services: bootstrap.Services,
    contact_id: str,
    *events: NewEvent,
    user_id: str = "ada",
    tenant_id: str = "acme",
) -> list[Record]:
    """Appends each event on its own (recorded at its own time, if on the calendar) to the
    contact's stream; the stream records they make."""
    stream = StreamId(tenant_id, contact_id)
    version = len(services.event_store.read(stream))
    records: list[Record] = []
    for event in events:
        services.event_store.append(
            stream,
            [event],
            expected_version=version,
            owner_id=user_id,
            recorded_at=event.occurred_at,
        )
        version += 1
        records.append(contact_record(tenant_id, user_id, contact_id, version))
    return records


def added(name: str = "Grace Hopper", at: datetime = NOW) -> NewEvent:
    return NewEvent("contact_added", {"name": name}, at)


def outreach(at: datetime) -> NewEvent:
    return NewEvent("outreach_sent", {"channel": "email", "message": None}, at)


def interview(starts_at: str, at: datetime = NOW) -> NewEvent:
    data = {"starts_at": starts_at, "duration_minutes": 30, "location": None}
    return NewEvent("interview_scheduled", data, at)


_sequence = iter(range(10**9))


def contact_record(tenant_id: str, user_id: str, contact_id: str, version: int) -> Record:
    """The INSERT record the events table's stream carries for one event."""
    return {
        "eventName": "INSERT",
        "dynamodb": {
            "SequenceNumber": f"{next(_sequence):024d}",
            "Keys": {
                "PK": {"S": f"T#{tenant_id}#C#{contact_id}"},
                "SK": {"S": event_sort_key(version)},
            },
            "NewImage": {
                "tenant_id": {"S": tenant_id},
                "owner_id": {"S": user_id},
                "contact_id": {"S": contact_id},
                "version": {"N": str(version)},
            },
        },
    }


def settings_record(tenant_id: str = "acme", user_id: str = "ada") -> Record:
    """The record of a change to the user's settings."""
    return {
        "eventName": "MODIFY",
        "dynamodb": {
            "SequenceNumber": f"{next(_sequence):024d}",
            "Keys": {"PK": {"S": f"T#{tenant_id}#U#{user_id}"}, "SK": {"S": SETTINGS_SK}},
            "NewImage": {"tenant_id": {"S": tenant_id}, "user_id": {"S": user_id}},
        },
    }


def days(n: float) -> timedelta:
    return timedelta(days=n)
