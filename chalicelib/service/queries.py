"""Reads of one contact, always current: a strongly consistent Query of its stream and a fold."""

from __future__ import annotations

from typing import Any

from chalicelib.clock import Clock
from chalicelib.domain.state import ContactState
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.port import EventStore, StoredEvent, StreamId
from chalicelib.service.commands import Caller
from chalicelib.service.errors import ContactNotFoundError
from chalicelib.service.history import state_of
from chalicelib.service.presenter import contact_public
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.timefmt import iso


class ContactQueries:
    """The contact and its history, for its owner only."""

    def __init__(self, store: EventStore, settings: SettingsRepository, clock: Clock) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock

    def contact(self, caller: Caller, contact_id: str) -> dict[str, Any]:
        """The contact folded from its events; ContactNotFoundError unless the caller owns it."""
        state, _ = self._owned(caller, contact_id)
        settings = self._settings.get(caller.tenant_id, caller.user_id)
        return contact_public(
            state, settings or UserSettings(email=caller.email or None), self._clock.now()
        )

    def events(self, caller: Caller, contact_id: str) -> list[dict[str, Any]]:
        """The contact's steps, oldest first, each saying whether a retraction undid it."""
        state, events = self._owned(caller, contact_id)
        return event_items(state, events)

    def _owned(self, caller: Caller, contact_id: str) -> tuple[ContactState, list[StoredEvent]]:
        events = self._store.read(StreamId(caller.tenant_id, contact_id))
        state = state_of(contact_id, events)
        if not state.exists or state.owner_id != caller.user_id:
            raise ContactNotFoundError(contact_id)
        return state, events


def event_items(state: ContactState, events: list[StoredEvent]) -> list[dict[str, Any]]:
    """The items of `GET /contacts/{id}/events` (and of the export)."""
    return [
        {
            "version": event.version,
            "type": event.type,
            "occurred_at": iso(event.occurred_at),
            "recorded_at": iso(event.recorded_at),
            "data": event.data,
            "retracted": event.version in state.retracted,
        }
        for event in events
    ]
