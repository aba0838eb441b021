"""Folds a contact's stored events into its state (the mapping itself is the store's mapper)."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.domain.fold import fold
from chalicelib.domain.state import ContactState
from chalicelib.eventstore.mapper import to_envelope
from chalicelib.eventstore.port import StoredEvent


def state_of(contact_id: str, events: Iterable[StoredEvent]) -> ContactState:
    """The contact's current state from its whole stream."""
    stored = list(events)
    owner = stored[0].owner_id if stored else ""
    return fold(contact_id, (to_envelope(event) for event in stored), owner_id=owner)
