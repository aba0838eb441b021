"""`evolve(state, event)`: how each event changes a contact's state. Rules live in rules.py;
the fold trusts the stream, so it never refuses an event that was recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from chalicelib.domain import events as ev
from chalicelib.domain.state import (
    ContactState,
    Envelope,
    Interview,
    Reflection,
    ResearchNote,
    Snooze,
)
from chalicelib.domain.vocabulary import ReplyOutcome, Status

Change = dict[str, Any]


def fold(contact_id: str, envelopes: Iterable[Envelope], owner_id: str = "") -> ContactState:
    """The state after every event of a stream, applied in version order."""
    state = ContactState(contact_id=contact_id, owner_id=owner_id)
    for envelope in envelopes:
        state = evolve(state, envelope)
    return state


# What no retraction can take back: the contact's start and end, a reminder that went out,
# and a retraction itself (undo again to go further back, not to redo).
NOT_UNDOABLE: tuple[type[ev.EventData], ...] = (
    ev.ContactAdded,
    ev.ContactErased,
    ev.ReminderSent,
    ev.StepRetracted,
)


def evolve(state: ContactState, envelope: Envelope) -> ContactState:
    """The state after one more event."""
    stamp: Change = {"version": envelope.version}
    if not isinstance(envelope.data, ev.ReminderSent):
        # A reminder going out is not the user's activity: it must not reorder their list.
        stamp["updated_at"] = envelope.recorded_at
    if isinstance(envelope.data, ev.StepRetracted):
        return _retracted(state, stamp)
    change = _CHANGES[type(envelope.data)](state, envelope)
    if not isinstance(envelope.data, NOT_UNDOABLE):
        change |= {"previous": state, "step_version": envelope.version}
    return replace(state, **change, **stamp)


def _retracted(state: ContactState, stamp: Change) -> ContactState:
    """The state as if the latest step not undone had never happened: the one before it, with
    what no undo takes back carried over. A stream with nothing to undo (the rules refuse
    that) changes only the version."""
    before = state.previous
    if before is None or state.step_version is None:
        return replace(state, **stamp)
    return replace(
        before,
        reminders_sent=state.reminders_sent,
        retracted=state.retracted | {state.step_version},
        **stamp,
    )


def _details(data: ev.ContactDetails) -> Change:
    return {name: getattr(data, name) for name in data.model_fields_set}


def _added(state: ContactState, e: Envelope) -> Change:
    assert isinstance(e.data, ev.ContactAdded)
    return {
        **_details(e.data),
        "name": e.data.name,
        "source": e.data.source,
        "status": Status.IDENTIFIED,
        "owner_id": state.owner_id or e.actor,
        "created_at": e.recorded_at,
    }


def _updated(state: ContactState, e: Envelope) -> Change:
    assert isinstance(e.data, ev.ContactUpdated)
    return _details(e.data)


def _intro(state: ContactState, e: Envelope) -> Change:
    return {"status": Status.REACHING_OUT, "intro_requested_at": e.occurred_at}


def _outreach(state: ContactState, e: Envelope) -> Change:
    return {
        "status": Status.REACHING_OUT,
        "outreaches_sent": state.outreaches_sent + 1,
        "last_outreach_at": e.occurred_at,
    }


def _follow_up(state: ContactState, e: Envelope) -> Change:
    return {"follow_ups_sent": state.follow_ups_sent + 1, "last_outreach_at": e.occurred_at}


def _reply(state: ContactState, e: Envelope) -> Change:
    assert isinstance(e.data, ev.ReplyReceived)
    declined = e.data.outcome is ReplyOutcome.DECLINED
    status = Status.DECLINED if declined else state.status
    return {"reply": e.data.outcome, "replied_at": e.occurred_at, "status": status}


def _scheduled(state: ContactState, e: Envelope) -> Change:
    assert isinstance(e.data, ev.InterviewScheduled)
    interview = Interview(e.data.starts_at, e.data.duration_minutes, e.data.location)
    return {"status": Status.SCHEDULED, "interview": interview, "ever_scheduled": True}


def _rescheduled(state: ContactState, e: Envelope) -> Change:
    assert isinstance(e.data, ev.InterviewRescheduled)
    old = state.interview or Interview(e.data.starts_at)
    return {
        "interview": Interview(
            e.data.starts_at,
            e.data.duration_minutes or old.duration_minutes,
            e.data.location if "location" in e.data.model_fields_set else old.location,
        )
    }


def _cancelled(state: ContactState, e: Envelope) -> Change:
    return {"status": Status.REACHING_OUT, "interview": None, "cancelled_at": e.occurred_at}


def _research(state: ContactState, e: Envelope) -> Change:
    assert isinstance(e.data, ev.ResearchNoted)
    note = ResearchNote(e.data.subject, e.data.text, e.occurred_at)
    return {"research": (*state.research, note)}


def _questions(state: ContactState, e: Envelope) -> Change:
    assert isinstance(e.data, ev.QuestionsPrepared)
    return {"questions": (*state.questions, *e.data.questions)}


def _completed(state: ContactState, e: Envelope) -> Change:
    assert isinstance(e.data, ev.InterviewCompleted)
    change: Change = {
        "status": Status.INTERVIEWED,
        "interview_notes": e.data.notes,
        "interview_ended_at": e.occurred_at,
    }
    if state.interview is not None:
        minutes = e.data.duration_minutes or state.interview.duration_minutes
        interview = replace(state.interview, duration_minutes=minutes)
        # Logged after the fact: the interview ended at its scheduled end, not when logged.
        change |= {
            "interview": interview,
            "interview_ended_at": min(e.occurred_at, interview.ends_at),
        }
    return change


def _thank_you(state: ContactState, e: Envelope) -> Change:
    return {"status": Status.FOLLOWED_UP, "thank_you_sent_at": e.occurred_at}


def _linkedin(state: ContactState, e: Envelope) -> Change:
    assert isinstance(e.data, ev.LinkedinConnected)
    change: Change = {"linkedin_connected_at": e.occurred_at}
    if e.data.profile_url:
        change["linkedin_url"] = e.data.profile_url
    return change


def _reflection(state: ContactState, e: Envelope) -> Change:
    assert isinstance(e.data, ev.ReflectionRecorded)
    reflection = Reflection(e.data.career_path, e.data.obstacles, e.data.lessons)
    return {"status": Status.REFLECTED, "reflection": reflection, "reflected_at": e.occurred_at}


def _archived(state: ContactState, e: Envelope) -> Change:
    return {"status": Status.ARCHIVED, "archived_from": state.status}


def _reopened(state: ContactState, e: Envelope) -> Change:
    # Archived: back where it was. Declined: back to reaching out, their "no" set aside (it
    # still counts as a reply in the funnel) so that their new answer can be recorded.
    if state.status is Status.ARCHIVED:
        back = state.archived_from or Status.IDENTIFIED
        return {"status": back, "archived_from": None, "reopened_at": e.occurred_at}
    return {"status": Status.REACHING_OUT, "reply": None, "reopened_at": e.occurred_at}


def _snoozed(state: ContactState, e: Envelope) -> Change:
    assert isinstance(e.data, ev.ReminderSnoozed)
    if e.data.action is None or e.data.due_at is None:
        return {}  # recorded without a target (never by this code): nothing to put off
    snooze = Snooze(e.data.action, e.data.due_at, e.data.until)
    kept = [s for s in state.snoozes if (s.action, s.due_at) != (snooze.action, snooze.due_at)]
    return {"snoozes": (*kept, snooze)}


def _reminder(state: ContactState, e: Envelope) -> Change:
    assert isinstance(e.data, ev.ReminderSent)
    return {"reminders_sent": state.reminders_sent | {(e.data.action, e.data.due_at)}}


def _erased(state: ContactState, e: Envelope) -> Change:
    # Whatever placeholders the erased events parsed into, the state keeps no personal data.
    interview = replace(state.interview, location=None) if state.interview else None
    return {
        "erased": True,
        **dict.fromkeys(ev.ContactDetails.PERSONAL),
        "interview": interview,
        "questions": (),
        "research": (),
        "interview_notes": None,
        "reflection": None,
        "previous": None,  # nothing to undo, and no earlier state kept in memory
    }


_CHANGES: dict[type[ev.EventData], Callable[[ContactState, Envelope], Change]] = {
    ev.ContactAdded: _added,
    ev.ContactUpdated: _updated,
    ev.IntroductionRequested: _intro,
    ev.OutreachSent: _outreach,
    ev.FollowUpSent: _follow_up,
    ev.ReplyReceived: _reply,
    ev.InterviewScheduled: _scheduled,
    ev.InterviewRescheduled: _rescheduled,
    ev.InterviewCancelled: _cancelled,
    ev.ResearchNoted: _research,
    ev.QuestionsPrepared: _questions,
    ev.InterviewCompleted: _completed,
    ev.ThankYouSent: _thank_you,
    ev.LinkedinConnected: _linkedin,
    ev.ReflectionRecorded: _reflection,
    ev.ContactArchived: _archived,
    ev.ContactReopened: _reopened,
    ev.ReminderSnoozed: _snoozed,
    ev.ReminderSent: _reminder,
    ev.ContactErased: _erased,
}
