"""What is due for a contact, and when: its agenda, and the next action at a given time.

Defaults (from the guide): follow up after 7 business days, at most once, then move on;
prepare questions 48 h before the interview; attend it at its start; log it 24 h after it ends;
thank them from the moment it ends; connect on LinkedIn 2 days after the thank-you; reflect
2 days after the interview.

An action whose time falls off the calendar the agenda plans on (`moments.plannable`: an old
event dated year 1, an interview in 9999) is left out rather than computed past the end of
time, so an odd stored event costs that action, never the contact or its user.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from chalicelib.domain.business_days import add_business_days
from chalicelib.domain.moments import plannable, shifted
from chalicelib.domain.state import ContactState, Interview
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, ReplyOutcome, Status

PREPARE_BEFORE = timedelta(hours=48)
LOG_AFTER = timedelta(hours=24)
CONNECT_AFTER_THANK_YOU = timedelta(days=2)
REFLECT_AFTER = timedelta(days=2)


@dataclass(frozen=True, order=True)
class PlannedAction:
    """An action due at `due_at`; after `expires_at` (if any) it no longer makes sense."""

    due_at: datetime
    action: Action
    expires_at: datetime | None = None


def agenda(state: ContactState, settings: UserSettings) -> tuple[PlannedAction, ...]:
    """Every action still open for the contact, earliest due first, snoozes applied."""
    return tuple(sorted(snoozed for snoozed, _ in _planned(state, settings)))


def snooze_target(
    state: ContactState, settings: UserSettings, at: datetime, action: Action | None = None
) -> PlannedAction | None:
    """The open action a snooze recorded at `at` puts off, as planned before any snooze (its
    key for `Snooze`): the next action, or the first open one of `action` when named."""
    for snoozed, planned in sorted(_planned(state, settings)):
        if expired(snoozed, at) or (action is not None and planned.action is not action):
            continue
        return planned
    return None


def _planned(
    state: ContactState, settings: UserSettings
) -> list[tuple[PlannedAction, PlannedAction]]:
    """Each open action twice: as due now (snoozes applied) and as planned."""
    if not state.exists:
        return []
    planner = _PLANNERS.get(state.status)  # type: ignore[arg-type]
    planned = planner(state, settings) if planner else []
    until = {(s.action, s.due_at): s.until for s in state.snoozes}
    return [
        (_put_off(p, until.get((p.action, p.due_at))), p) for p in planned if _on_the_calendar(p)
    ]


def _put_off(planned: PlannedAction, until: datetime | None) -> PlannedAction:
    # A snooze makes the action due at least at `until`; one that expires first stays expired.
    if until is None or until <= planned.due_at:
        return planned
    return replace(planned, due_at=until)


def _restarted(state: ContactState, moment: datetime) -> datetime:
    """A reopened contact's clock starts again when it was reopened: what was overdue before
    it was set aside is due from the reopening, not for months already."""
    if state.reopened_at is None:
        return moment
    return max(moment, state.reopened_at)


def off_the_calendar(state: ContactState) -> tuple[str, ...]:
    """The contact's times a reminder about it might show that lie off the calendar the agenda
    plans on: an email shows them in the user's timezone, which cannot hold every time."""
    interview = state.interview
    times = {
        "interview.starts_at": interview.starts_at if interview else None,
        "interview.ends_at": interview.ends_at if interview else None,
        "intro_requested_at": state.intro_requested_at,
        "last_outreach_at": state.last_outreach_at,
        "replied_at": state.replied_at,
        "interview_ended_at": state.interview_ended_at,
        "thank_you_sent_at": state.thank_you_sent_at,
    }
    return tuple(name for name, moment in times.items() if moment and not plannable(moment))


def _on_the_calendar(planned: PlannedAction) -> bool:
    return plannable(planned.due_at) and (
        planned.expires_at is None or plannable(planned.expires_at)
    )


def next_action(state: ContactState, settings: UserSettings, now: datetime) -> PlannedAction | None:
    """The first open action that has not expired by `now`."""
    return first_open(agenda(state, settings), now)


class Expiring(Protocol):
    """Anything on an agenda: a planned action, or its projection in a read model."""

    @property
    def expires_at(self) -> datetime | None: ...


Entry = TypeVar("Entry", bound=Expiring)


def expired(entry: Expiring, now: datetime) -> bool:
    """The one rule for "past its moment": questions for an interview that has started."""
    return entry.expires_at is not None and now >= entry.expires_at


def first_open(entries: Iterable[Entry], now: datetime) -> Entry | None:
    """The first entry (of an agenda, earliest first) that has not expired by `now`."""
    return next((entry for entry in entries if not expired(entry, now)), None)


def _identified(state: ContactState, settings: UserSettings) -> list[PlannedAction]:
    assert state.created_at is not None
    return [PlannedAction(_restarted(state, state.created_at), Action.REACH_OUT)]


def _reaching_out(state: ContactState, settings: UserSettings) -> list[PlannedAction]:
    if state.cancelled_at is not None:
        return [PlannedAction(_restarted(state, state.cancelled_at), Action.SCHEDULE_INTERVIEW)]
    if state.reply is ReplyOutcome.ACCEPTED and state.replied_at is not None:
        return [PlannedAction(_restarted(state, state.replied_at), Action.SCHEDULE_INTERVIEW)]
    wait = settings.follow_up_after_business_days
    if state.last_outreach_at is None:
        # Only an introduction asked for (or a reopened contact that was never reached out
        # to): if it has not happened by then, reach out yourself.
        since = state.intro_requested_at or state.reopened_at or state.created_at
        assert since is not None
        due = add_business_days(_restarted(state, since), wait, settings.timezone)
        return [PlannedAction(due, Action.REACH_OUT)]
    since = _restarted(state, state.last_outreach_at)
    due = add_business_days(since, wait, settings.timezone)
    if state.follow_ups_sent < settings.max_follow_ups:
        return [PlannedAction(due, Action.FOLLOW_UP)]
    return [PlannedAction(due, Action.MOVE_ON)]


def _scheduled(state: ContactState, settings: UserSettings) -> list[PlannedAction]:
    interview: Interview | None = state.interview
    assert interview is not None
    planned = [
        PlannedAction(interview.starts_at, Action.ATTEND_INTERVIEW, interview.ends_at),
        PlannedAction(shifted(interview.ends_at, LOG_AFTER), Action.LOG_INTERVIEW),
    ]
    if not state.prepared:
        due = shifted(interview.starts_at, -PREPARE_BEFORE)
        planned.append(PlannedAction(due, Action.PREPARE_QUESTIONS, interview.starts_at))
    return planned


def _after_interview(state: ContactState, settings: UserSettings) -> list[PlannedAction]:
    ended = state.interview_ended_at
    assert ended is not None
    planned: list[PlannedAction] = []
    if state.status is Status.INTERVIEWED:
        planned.append(PlannedAction(ended, Action.SEND_THANK_YOU))
    if state.status is not Status.REFLECTED:
        planned.append(PlannedAction(shifted(ended, REFLECT_AFTER), Action.REFLECT))
    if state.linkedin_connected_at is None and state.status is not Status.INTERVIEWED:
        since = state.thank_you_sent_at or ended
        connect = shifted(since, CONNECT_AFTER_THANK_YOU)
        planned.append(PlannedAction(connect, Action.CONNECT_LINKEDIN))
    return planned


_PLANNERS = {
    Status.IDENTIFIED: _identified,
    Status.REACHING_OUT: _reaching_out,
    Status.SCHEDULED: _scheduled,
    Status.INTERVIEWED: _after_interview,
    Status.FOLLOWED_UP: _after_interview,
    Status.REFLECTED: _after_interview,
}
