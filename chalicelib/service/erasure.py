"""`DELETE /contacts/{id}`: the contact's personal data removed for good, from events and views.

Method: redaction behind a tombstone. A `contact_erased` event is appended first, so no step
can be recorded any more and the projector replaces the view with a tombstone (no personal
data) and deletes the agenda items, which cancels the reminders. Then every earlier event's
data is overwritten without its personal fields (`events.redacted`, flagged `_redacted` so
history parses it with placeholders) and the idempotency records, which hold response bodies,
are deleted. Crypto-shredding was the alternative; it needs a key per contact and encryption
on every write and read path, while redaction reuses the store's `redact` and is checkable by
a byte search of the tables. Every step is idempotent: the owner's retried DELETE finishes an
erasure that failed half-way, and succeeds again.

Known limit: DynamoDB Streams keep the original records for 24 h; nothing can shorten that.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from chalicelib.clock import Clock
from chalicelib.domain.events import ContactErased
from chalicelib.eventstore.mapper import is_redacted, new_event, redacted_data
from chalicelib.eventstore.port import ConcurrencyError, EventStore, StoredEvent, StreamId
from chalicelib.retry import RetryPolicy
from chalicelib.service.commands import RETRY_BASE_DELAY, Caller
from chalicelib.service.errors import ContactNotFoundError, WriteConflictError
from chalicelib.service.history import state_of

ERASED = ContactErased.event_type
# Projects one contact's read models now: (tenant_id, user_id, contact_id).
ProjectContact = Callable[[str, str, str], None]


class ErasureService:
    """Erases a contact for its owner."""

    def __init__(
        self,
        store: EventStore,
        clock: Clock,
        project: ProjectContact | None = None,
        *,
        max_attempts: int = 5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._clock = clock
        self._project = project
        self._retry = RetryPolicy(max_attempts, RETRY_BASE_DELAY, sleep)

    def erase(self, caller: Caller, contact_id: str) -> None:
        """Tombstone, redaction, read models; ContactNotFoundError unless the caller owns it."""
        stream = StreamId(caller.tenant_id, contact_id)
        events = self._tombstoned(caller, stream)
        self._store.redact(stream, _replacements(events))
        if self._project is not None:
            self._project(caller.tenant_id, caller.user_id, contact_id)

    def _tombstoned(self, caller: Caller, stream: StreamId) -> list[StoredEvent]:
        """The stream, ending with a tombstone (appended now unless a retry finds one)."""
        for attempt in self._retry.attempts():
            events = self._store.read(stream)
            if not events or events[0].owner_id != caller.user_id:
                raise ContactNotFoundError(stream.contact_id)
            state = state_of(stream.contact_id, events)
            if state.erased:
                return events
            if not state.exists:
                raise ContactNotFoundError(stream.contact_id)
            try:
                return [*events, *self._append_tombstone(caller, stream, state.version)]
            except ConcurrencyError:
                attempt.failed()
        raise WriteConflictError("other changes to this contact kept winning, please retry")

    def _append_tombstone(
        self, caller: Caller, stream: StreamId, version: int
    ) -> list[StoredEvent]:
        now = self._clock.now()
        tombstone = new_event(ContactErased(), now, caller.user_id)
        return self._store.append(
            stream, [tombstone], expected_version=version, owner_id=caller.user_id, recorded_at=now
        )


def _replacements(events: Sequence[StoredEvent]) -> dict[int, dict[str, object]]:
    """New data for every event not redacted yet; the tombstone holds nothing to remove."""
    return {
        event.version: redacted_data(event)
        for event in events
        if event.type != ERASED and not is_redacted(event)
    }
