"""The one mapping between the store's events and the domain's, in both directions.

The store keeps events as plain data (type, schema version, a JSON dict) so that it never
changes when a schema does; the domain works with typed, upcast event models in envelopes.
Every writer builds its `NewEvent`s here and every reader gets its `Envelope`s here, so ids,
schema versions and the erasure flag are set and read one way only.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from chalicelib import correlation
from chalicelib.domain.events import EventData, redacted
from chalicelib.domain.state import Envelope
from chalicelib.domain.upcasting import parse_event
from chalicelib.eventstore.port import NewEvent, StoredEvent

# Marks an event whose personal fields erasure removed, so it parses with placeholders.
REDACTED_FLAG = "_redacted"


def to_envelope(stored: StoredEvent) -> Envelope:
    """The domain's view of a stored event, upcast to today's schema."""
    data = dict(stored.data)
    was_redacted = bool(data.pop(REDACTED_FLAG, False))
    event = parse_event(stored.type, stored.schema_version, data, redacted=was_redacted)
    return Envelope(
        version=stored.version,
        data=event,
        occurred_at=stored.occurred_at,
        recorded_at=stored.recorded_at,
        actor=stored.actor,
    )


def new_event(
    data: EventData, occurred_at: datetime, actor: str, correlation_id: str | None = None
) -> NewEvent:
    """The event to append for decided data; without a correlation id, the one bound now
    (the request's, or the cause's for the sweep), else a fresh one."""
    if correlation_id is None:
        correlation_id = correlation.current()
    return NewEvent(
        type=data.event_type,
        data=data.to_data(),
        occurred_at=occurred_at,
        schema_version=data.schema_version,
        event_id=uuid.uuid4().hex,
        actor=actor,
        correlation_id=uuid.uuid4().hex if correlation_id is None else correlation_id,
    )


def is_redacted(stored: StoredEvent) -> bool:
    """Whether erasure already removed this event's personal fields."""
    return bool(stored.data.get(REDACTED_FLAG))


def redacted_data(stored: StoredEvent) -> dict[str, Any]:
    """The data erasure writes in place of a stored event's: no personal field, flagged."""
    return {**redacted(stored.data, stored.type), REDACTED_FLAG: True}
