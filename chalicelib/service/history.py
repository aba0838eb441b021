"""Turns stored events into the domain's envelopes and folds them into a contact's state."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.domain.fold import fold
from chalicelib.domain.state import ContactState, Envelope
from chalicelib.domain.upcasting import parse_event
from chalicelib.eventstore.port import StoredEvent

REDACTED_FLAG = "_redacted"


def envelope(stored: StoredEvent) -> Envelope:
    """The domain's view of a stored event, upcast to today's schema."""
    data = dict(stored.data)
    redacted = bool(data.pop(REDACTED_FLAG, False))
    event = parse_event(stored.type, stored.schema_version, data, redacted=redacted)
    return Envelope(
        version=stored.version,
        data=event,
        occurred_at=stored.occurred_at,
        recorded_at=stored.recorded_at,
        actor=stored.actor,
    )


def state_of(contact_id: str, events: Iterable[StoredEvent]) -> ContactState:
    """The contact's current state from its whole stream."""
    stored = list(events)
    owner = stored[0].owner_id if stored else ""
    return fold(contact_id, (envelope(event) for event in stored), owner_id=owner)
