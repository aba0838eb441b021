"""Which step is allowed when. Each refusal says why, in the words of the guide.

`refusal` is the one rule: `check_allowed` raises what it says, and `allowed_steps` (every
contact response's list) is the types it has no objection to, so a client that offers what
is listed is never refused for the order of steps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib.domain import events as ev
from chalicelib.domain.agenda import agenda, snooze_target
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.domain.moments import in_utc
from chalicelib.domain.state import ContactState
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Status

S = Status
_OPEN = frozenset(S) - {S.ARCHIVED, S.DECLINED}

# For each step: the statuses it fits, and what to tell a user who tries it elsewhere.
_ALLOWED: dict[type[ev.EventData], tuple[frozenset[Status], str]] = {
    ev.IntroductionRequested: (
        frozenset({S.IDENTIFIED, S.REACHING_OUT}),
        "ask for an introduction before the interview is scheduled",
    ),
    ev.OutreachSent: (
        frozenset({S.IDENTIFIED, S.REACHING_OUT}),
        "reach out before the interview is scheduled",
    ),
    ev.FollowUpSent: (
        frozenset({S.REACHING_OUT}),
        "a follow-up comes after an outreach that got no reply yet: record outreach_sent first",
    ),
    ev.ReplyReceived: (
        frozenset({S.REACHING_OUT}),
        "a reply answers your outreach: record outreach_sent or introduction_requested first",
    ),
    ev.InterviewScheduled: (
        frozenset({S.IDENTIFIED, S.REACHING_OUT}),
        "an interview can be scheduled once, before it happens; to move it use "
        "interview_rescheduled",
    ),
    ev.InterviewRescheduled: (
        frozenset({S.SCHEDULED}),
        "only a scheduled interview can be rescheduled: record interview_scheduled first",
    ),
    ev.InterviewCancelled: (
        frozenset({S.SCHEDULED}),
        "only a scheduled interview can be cancelled: record interview_scheduled first",
    ),
    ev.ResearchNoted: (_OPEN, "research is for contacts you are still talking to"),
    ev.QuestionsPrepared: (_OPEN, "questions are for contacts you are still talking to"),
    ev.InterviewCompleted: (
        frozenset({S.SCHEDULED}),
        "an interview is logged after it was scheduled: record interview_scheduled first",
    ),
    ev.ThankYouSent: (
        frozenset({S.INTERVIEWED}),
        "a thank-you comes after the interview: record interview_completed first",
    ),
    ev.LinkedinConnected: (
        frozenset({S.INTERVIEWED, S.FOLLOWED_UP, S.REFLECTED}),
        "connect on LinkedIn after the interview: record interview_completed first",
    ),
    ev.ReflectionRecorded: (
        frozenset({S.INTERVIEWED, S.FOLLOWED_UP}),
        "reflection comes after the interview: record interview_completed first",
    ),
    ev.ContactUpdated: (frozenset(S) - {S.ARCHIVED}, "an archived contact cannot be changed"),
    ev.ContactArchived: (frozenset(S) - {S.ARCHIVED}, "the contact is already archived"),
    ev.ReminderSnoozed: (_OPEN, "only a contact you are still talking to has steps to snooze"),
    ev.ContactReopened: (
        frozenset({S.ARCHIVED, S.DECLINED}),
        "only an archived or declined contact can be reopened",
    ),
    ev.StepRetracted: (frozenset(S), "there is no step to undo"),
}


# The order a person would take the steps in: the pipeline, then notes, then corrections.
STEP_ORDER: tuple[type[ev.EventData], ...] = (
    ev.IntroductionRequested,
    ev.OutreachSent,
    ev.FollowUpSent,
    ev.ReplyReceived,
    ev.InterviewScheduled,
    ev.InterviewRescheduled,
    ev.InterviewCancelled,
    ev.ResearchNoted,
    ev.QuestionsPrepared,
    ev.InterviewCompleted,
    ev.ThankYouSent,
    ev.LinkedinConnected,
    ev.ReflectionRecorded,
    ev.ContactUpdated,
    ev.ReminderSnoozed,
    ev.ContactReopened,
    ev.ContactArchived,
    ev.StepRetracted,
)


def check_allowed(
    state: ContactState,
    data: ev.EventData,
    at: datetime | None = None,
    settings: UserSettings | None = None,
) -> None:
    """Raises StepNotAllowedError, with the reason, when `data` does not fit `state` now.

    `at` is when the step happened (its `at`, default now); without it, only the order of
    steps is checked, not whether their dates can be true. `settings` are the user's; without
    them the rules that come from settings (`max_follow_ups`, what a snooze puts off) are not
    checked.
    """
    reason = refusal(state, type(data), at, settings)
    if reason is not None:
        raise StepNotAllowedError(reason)


def aimed(
    state: ContactState, data: ev.EventData, settings: UserSettings, at: datetime
) -> ev.EventData:
    """The step as it is recorded: a snooze names the open action it puts off (the next action
    at `at`, or the first open one of the action it asks for), so no later action is snoozed
    by it. Raises StepNotAllowedError when there is none; other steps are recorded as given."""
    if not isinstance(data, ev.ReminderSnoozed):
        return data
    target = snooze_target(state, settings, at, data.action)
    if target is None:
        wanted = f"“{data.action.value.replace('_', ' ')}”" if data.action else "a next step"
        raise StepNotAllowedError(f"there is no {wanted} open to snooze: it was done or it changed")
    return data.model_copy(update={"action": target.action, "due_at": target.due_at})


def allowed_steps(
    state: ContactState, settings: UserSettings | None, at: datetime | None
) -> list[str]:
    """The step types a client may record now, in the order a person would take them: every
    type `check_allowed` accepts, decided by the same `refusal`, so the two never disagree."""
    if not state.exists:
        return []
    return [kind.event_type for kind in STEP_ORDER if refusal(state, kind, at, settings) is None]


def refusal(
    state: ContactState,
    kind: type[ev.EventData],
    at: datetime | None = None,
    settings: UserSettings | None = None,
) -> str | None:
    """Why a step of type `kind` does not fit `state` now, in words; None when it does. No
    rule looks at a step's fields: what is allowed depends on the contact, the time and the
    user's settings only, so `allowed_steps` can list it before any field is typed."""
    if kind is ev.ContactAdded:
        return None if state.status is None else "this contact already exists"
    if not state.exists:
        return "add the contact before recording its steps"
    if kind in (ev.ReminderSent, ev.ContactErased):
        return None
    allowed, reason = _ALLOWED[kind]
    if state.status not in allowed:
        return f"{reason} (status now: {_words(state.status)})"
    extra = _EXTRA.get(kind)
    found = extra(state) if extra is not None else None
    if found is None and at is not None and kind is ev.InterviewCompleted:
        found = _completed_after_start(state, at)
    if found is None and settings is not None:
        found = _by_settings(state, kind, settings, at)
    return found


def _completed_after_start(state: ContactState, at: datetime) -> str | None:
    # An interview logged as done before it began cannot be true; most often the date is a
    # typo, or the interview was moved and the move was never recorded.
    interview = state.interview
    if interview is not None and not started(interview.starts_at, at):
        return (
            f"the interview starts {_when(interview.starts_at, at)}: log it after it happened, "
            "or reschedule it"
        )
    return None


def started(starts_at: datetime, at: datetime) -> bool:
    """Whether an interview that starts at `starts_at` can be logged as done at `at`: the
    rule `allowed_steps` applies, and read models apply to a listed contact when read."""
    return at >= starts_at


def _by_settings(
    state: ContactState, kind: type[ev.EventData], settings: UserSettings, at: datetime | None
) -> str | None:
    if kind is ev.FollowUpSent and state.follow_ups_sent >= settings.max_follow_ups:
        sent = _times(state.follow_ups_sent, "follow-up")
        return (
            f"you have sent {sent}, as many as your settings allow (max_follow_ups is "
            f"{settings.max_follow_ups}): the guide says to move on now, or raise "
            "max_follow_ups in your settings"
        )
    if kind is ev.ReminderSnoozed and not agenda(state, settings):
        return "there is no next step to snooze: the contact has nothing due"
    return None


def _times(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _when(moment: datetime, reference: datetime) -> str:
    """`Fri 4 Dec 15:00 UTC`, with the year when it is not the year of `reference`."""
    utc, year = in_utc(moment), in_utc(reference).year
    day = f"{utc:%a} {utc.day} {utc:%b}" + ("" if utc.year == year else f" {utc.year}")
    return f"{day} {utc:%H:%M} UTC"


def _follow_up(state: ContactState) -> str | None:
    if state.outreaches_sent == 0:
        return "a follow-up comes after your own outreach: record outreach_sent first"
    if state.reply is not None:
        return "they already replied: no follow-up is needed"
    return None


def _reply(state: ContactState) -> str | None:
    if state.reply is not None and state.cancelled_at is None:
        return f"their reply is already recorded ({state.reply.value})"
    return None


def _linkedin(state: ContactState) -> str | None:
    if state.linkedin_connected_at is not None:
        return "you are already connected on LinkedIn"
    return None


def _retraction(state: ContactState) -> str | None:
    if state.previous is None:
        return "there is no step to undo: only the contact itself is recorded"
    return None


_EXTRA: dict[type[ev.EventData], Callable[[ContactState], str | None]] = {
    ev.FollowUpSent: _follow_up,
    ev.ReplyReceived: _reply,
    ev.LinkedinConnected: _linkedin,
    ev.StepRetracted: _retraction,
}


def _words(status: Status | None) -> str:
    return (status or S.IDENTIFIED).value
