"""Whether a reminder from the due index should still go out, judged on a fresh fold.

The index is eventually consistent and keyed with the settings of its last projection, so it
only nominates; the contact's own events and the user's current settings decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.agenda import PlannedAction, agenda
from chalicelib.domain.reminder_time import send_time
from chalicelib.domain.state import ContactState
from chalicelib.domain.user_settings import UserSettings
from chalicelib.timefmt import iso
from chalicelib.viewstore.model import Reminder


class Verdict(StrEnum):
    SEND = "send"
    # Due by the index, not yet by the user's current settings: the projector will re-key it.
    WAIT = "wait"
    # `reminder_sent` is on the stream already.
    SENT = "sent"
    # Gone from the agenda (done, moved, or the contact archived, declined or erased): the
    # projector takes it out of the index when it catches up.
    STALE = "stale"
    # Still on the agenda but past its moment (questions for an interview that has started).
    # Projections do not depend on the time, so only the sweep can take it out of the index.
    EXPIRED = "expired"


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    planned: PlannedAction | None = None
    send_at: datetime | None = None


def judge(
    state: ContactState, reminder: Reminder, settings: UserSettings, now: datetime
) -> Judgement:
    """The verdict on one reminder, with the agenda entry it matches when it is still open."""
    if not state.exists or state.owner_id != reminder.user_id:
        return Judgement(Verdict.STALE)
    due = iso(reminder.due_at)
    if any(a is reminder.action and iso(at) == due for a, at in state.reminders_sent):
        return Judgement(Verdict.SENT)
    planned = next(
        (
            p
            for p in agenda(state, settings)
            if p.action is reminder.action and iso(p.due_at) == due
        ),
        None,
    )
    if planned is None:
        return Judgement(Verdict.STALE)
    if planned.expires_at is not None and now >= planned.expires_at:
        return Judgement(Verdict.EXPIRED, planned)
    at = send_time(planned, settings)
    if at > now:
        return Judgement(Verdict.WAIT, planned, at)
    return Judgement(Verdict.SEND, planned, at)
