"""Builds contact states from event data the way a recorded stream would produce them.

Every test reads as "given these steps, at these times": versions count up from 1 and each
step without an explicit time happens an hour after the one before.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain import events as ev
from chalicelib.domain.fold import evolve
from chalicelib.domain.rules import check_allowed
from chalicelib.domain.state import ContactState, Envelope
from chalicelib.domain.vocabulary import ReplyOutcome, ResearchSubject, Status

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
HOUR = timedelta(hours=1)
CONTACT_ID = "c-1"
USER_ID = "user-1"

Step = ev.EventData | tuple[datetime, ev.EventData]


def utc(text: str) -> datetime:
    """A UTC instant from `YYYY-MM-DDTHH:MM`, so expected times read like a calendar."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def envelopes(*steps: Step, start: datetime = T0) -> list[Envelope]:
    """Envelopes for the steps; a `(when, data)` step pins its time, others follow by an hour."""
    result: list[Envelope] = []
    when = start - HOUR
    for version, step in enumerate(steps, start=1):
        if isinstance(step, tuple):
            when, data = step
        else:
            when, data = when + HOUR, step
        result.append(Envelope(version, data, occurred_at=when, recorded_at=when, actor=USER_ID))
    return result


def given(*steps: Step, start: datetime = T0) -> ContactState:
    """The state after the steps, each first checked by the rules as the API would."""
    state = ContactState(contact_id=CONTACT_ID)
    for envelope in envelopes(*steps, start=start):
        check_allowed(state, envelope.data)
        state = evolve(state, envelope)
    return state


def interview(starts_at: datetime, minutes: int = 30, location: str | None = None) -> ev.EventData:
    return ev.InterviewScheduled(starts_at=starts_at, duration_minutes=minutes, location=location)


ADDED = ev.ContactAdded(name="Ada Park", email="ada@example.com", company="Acme")
INTRO = ev.IntroductionRequested(via="Prof. Lee")
OUTREACH = ev.OutreachSent(message="Could we talk for 20 minutes?")
FOLLOW_UP = ev.FollowUpSent()
ACCEPTED = ev.ReplyReceived(outcome=ReplyOutcome.ACCEPTED)
DECLINED = ev.ReplyReceived(outcome=ReplyOutcome.DECLINED)
SCHEDULED = interview(utc("2026-03-12T15:00"))
QUESTIONS = ev.QuestionsPrepared(questions=["How did you get started?"])
COMPLETED = ev.InterviewCompleted(notes="Talked about platform teams.")
THANKS = ev.ThankYouSent()
LINKEDIN = ev.LinkedinConnected()
REFLECTION = ev.ReflectionRecorded(lessons="Ask about the first year.")
ARCHIVED = ev.ContactArchived(reason="Changed focus")
CANCELLED = ev.InterviewCancelled(reason="They were ill")

# One ordinary way into each status, for tables that try every step everywhere.
PATH_TO: dict[Status, tuple[ev.EventData, ...]] = {
    Status.IDENTIFIED: (ADDED,),
    Status.REACHING_OUT: (ADDED, OUTREACH),
    Status.SCHEDULED: (ADDED, OUTREACH, ACCEPTED, SCHEDULED),
    Status.INTERVIEWED: (ADDED, OUTREACH, ACCEPTED, SCHEDULED, COMPLETED),
    Status.FOLLOWED_UP: (ADDED, OUTREACH, ACCEPTED, SCHEDULED, COMPLETED, THANKS),
    Status.REFLECTED: (ADDED, OUTREACH, ACCEPTED, SCHEDULED, COMPLETED, THANKS, REFLECTION),
    Status.DECLINED: (ADDED, OUTREACH, DECLINED),
    Status.ARCHIVED: (ADDED, ARCHIVED),
}

# A valid example of every step a client may record.
SAMPLE: dict[str, ev.EventData] = {
    "contact_updated": ev.ContactUpdated(company="Globex"),
    "introduction_requested": INTRO,
    "outreach_sent": OUTREACH,
    "follow_up_sent": FOLLOW_UP,
    "reply_received": ACCEPTED,
    "interview_scheduled": SCHEDULED,
    "interview_rescheduled": ev.InterviewRescheduled(starts_at=utc("2026-03-13T15:00")),
    "interview_cancelled": CANCELLED,
    "research_noted": ev.ResearchNoted(
        subject=ResearchSubject.COMPANY, text="Series B, 80 people."
    ),
    "questions_prepared": QUESTIONS,
    "interview_completed": COMPLETED,
    "thank_you_sent": THANKS,
    "linkedin_connected": LINKEDIN,
    "reflection_recorded": REFLECTION,
    "contact_archived": ARCHIVED,
}
