"""Which step is allowed when. Each refusal says why, in the words of the guide."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib.domain import events as ev
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.domain.moments import in_utc
from chalicelib.domain.state import ContactState
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
}


def check_allowed(state: ContactState, data: ev.EventData, at: datetime | None = None) -> None:
    """Raises StepNotAllowedError, with the reason, when `data` does not fit `state` now.

    `at` is when the step happened (its `at`, default now); without it, only the order of
    steps is checked, not whether their dates can be true.
    """
    if isinstance(data, ev.ContactAdded):
        if state.status is not None:
            raise StepNotAllowedError("this contact already exists")
        return
    if not state.exists:
        raise StepNotAllowedError("add the contact before recording its steps")
    if isinstance(data, ev.ReminderSent | ev.ContactErased):
        return
    allowed, reason = _ALLOWED[type(data)]
    if state.status not in allowed:
        raise StepNotAllowedError(f"{reason} (status now: {_words(state.status)})")
    extra = _EXTRA.get(type(data))
    if extra is not None:
        extra(state, data)
    if at is not None and isinstance(data, ev.InterviewCompleted):
        _completed_after_start(state, at)


def _completed_after_start(state: ContactState, at: datetime) -> None:
    # An interview logged as done before it began cannot be true; most often the date is a
    # typo, or the interview was moved and the move was never recorded.
    interview = state.interview
    if interview is not None and at < interview.starts_at:
        raise StepNotAllowedError(
            f"the interview starts {_when(interview.starts_at, at)}: log it after it happened, "
            "or reschedule it"
        )


def _when(moment: datetime, reference: datetime) -> str:
    """`Fri 4 Dec 15:00 UTC`, with the year when it is not the year of `reference`."""
    utc, year = in_utc(moment), in_utc(reference).year
    day = f"{utc:%a} {utc.day} {utc:%b}" + ("" if utc.year == year else f" {utc.year}")
    return f"{day} {utc:%H:%M} UTC"


def _follow_up(state: ContactState, data: ev.EventData) -> None:
    if state.outreaches_sent == 0:
        raise StepNotAllowedError(
            "a follow-up comes after your own outreach: record outreach_sent first"
        )
    if state.reply is not None:
        raise StepNotAllowedError("they already replied: no follow-up is needed")


def _reply(state: ContactState, data: ev.EventData) -> None:
    if state.reply is not None and state.cancelled_at is None:
        raise StepNotAllowedError(f"their reply is already recorded ({state.reply.value})")


def _linkedin(state: ContactState, data: ev.EventData) -> None:
    if state.linkedin_connected_at is not None:
        raise StepNotAllowedError("you are already connected on LinkedIn")


_EXTRA: dict[type[ev.EventData], Callable[[ContactState, ev.EventData], None]] = {
    ev.FollowUpSent: _follow_up,
    ev.ReplyReceived: _reply,
    ev.LinkedinConnected: _linkedin,
}


def _words(status: Status | None) -> str:
    return (status or S.IDENTIFIED).value
