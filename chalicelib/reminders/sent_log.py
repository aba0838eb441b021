"""Records `reminder_sent` on a contact's stream, once per (action, due time), whoever races.

Two sweeps may both learn that an email left (one sent it, the other found its `sent` claim).
Each appends only what the stream does not hold yet, at the version it read: the loser of
the optimistic lock reloads, sees the winner's events, and has nothing left to add.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from chalicelib.domain.events import ReminderSent
from chalicelib.domain.state import ContactState
from chalicelib.eventstore.mapper import new_event
from chalicelib.eventstore.port import ConcurrencyError, EventStore, StreamId
from chalicelib.retry import RetryPolicy
from chalicelib.service.history import state_of
from chalicelib.timefmt import iso

ACTOR = "rapport-reminders"


class SentLogError(Exception):
    """Other writers kept moving the stream; the next sweep finishes the job from its claims."""


class SentLog:
    """Appends `reminder_sent` events with an optimistic version check."""

    def __init__(self, store: EventStore, *, max_attempts: int = 5) -> None:
        self._store = store
        # No back-off: a loser reloads to find the winner's events, so there is nothing to spread.
        self._retry = RetryPolicy(max_attempts)

    def record(
        self,
        stream: StreamId,
        state: ContactState,
        sent: Sequence[ReminderSent],
        now: datetime,
    ) -> int:
        """Appends what `state` lacks (reloading after a lost race); returns how many."""
        for attempt in self._retry.attempts():
            missing = _missing(state, sent)
            if not missing:
                return 0
            # The correlation id bound by the sweep: the step that made the reminder due.
            events = [new_event(event, now, ACTOR) for event in missing]
            try:
                self._store.append(
                    stream,
                    events,
                    expected_version=state.version,
                    owner_id=state.owner_id,
                    recorded_at=now,
                )
            except ConcurrencyError:
                attempt.failed()
                state = state_of(stream.contact_id, self._store.load(stream).events)
                continue
            return len(events)
        raise SentLogError(f"could not record reminders on {stream.contact_id}")


def _missing(state: ContactState, sent: Sequence[ReminderSent]) -> list[ReminderSent]:
    recorded = {(action, iso(at)) for action, at in state.reminders_sent}
    missing: dict[tuple[str, str], ReminderSent] = {}
    for event in sent:
        missing.setdefault((event.action, iso(event.due_at)), event)
    return [event for key, event in missing.items() if key not in recorded]
