"""Around the interview: prepare, attend, log, thank, connect and reflect, each at its time."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain import events as ev
from chalicelib.domain.agenda import PlannedAction, agenda, next_action
from chalicelib.domain.state import ContactState, Interview
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, Status
from tests.domain.builders import (
    ACCEPTED,
    ADDED,
    ARCHIVED,
    COMPLETED,
    LINKEDIN,
    OUTREACH,
    QUESTIONS,
    REFLECTION,
    THANKS,
    given,
    interview,
    utc,
)

DEFAULTS = UserSettings()
STARTS = utc("2026-03-12T15:00")
HOUR_LONG = interview(STARTS, minutes=60, location="Zoom")  # ends 16:00
BOOKED = (ADDED, OUTREACH, ACCEPTED, (utc("2026-03-04T09:00"), HOUR_LONG))


def _after(*steps: tuple[datetime, ev.EventData]) -> ContactState:
    return given(*BOOKED, *steps)


def test_a_scheduled_interview_plans_preparing_attending_and_logging() -> None:
    assert agenda(_after(), DEFAULTS) == (
        PlannedAction(utc("2026-03-10T15:00"), Action.PREPARE_QUESTIONS, STARTS),
        PlannedAction(STARTS, Action.ATTEND_INTERVIEW, utc("2026-03-12T16:00")),
        PlannedAction(utc("2026-03-13T16:00"), Action.LOG_INTERVIEW),
    )


@pytest.mark.parametrize(
    ("now", "action"),
    [
        (utc("2026-03-05T00:00"), Action.PREPARE_QUESTIONS),  # not due yet, but first
        (utc("2026-03-11T00:00"), Action.PREPARE_QUESTIONS),  # overdue
        (utc("2026-03-12T14:59"), Action.PREPARE_QUESTIONS),
        (utc("2026-03-12T15:00"), Action.ATTEND_INTERVIEW),  # too late to prepare
        (utc("2026-03-12T15:59"), Action.ATTEND_INTERVIEW),
        (utc("2026-03-12T16:00"), Action.LOG_INTERVIEW),  # over: log it
        (utc("2026-03-30T00:00"), Action.LOG_INTERVIEW),  # logging never expires
    ],
)
def test_the_next_action_of_an_unprepared_interview_moves_with_the_clock(
    now: datetime, action: Action
) -> None:
    planned = next_action(_after(), DEFAULTS, now=now)

    assert planned is not None
    assert planned.action is action


def test_prepared_questions_leave_only_attending_and_logging() -> None:
    state = _after((utc("2026-03-05T10:00"), QUESTIONS))

    assert next_action(state, DEFAULTS, now=utc("2026-03-05T10:00")) == PlannedAction(
        STARTS, Action.ATTEND_INTERVIEW, utc("2026-03-12T16:00")
    )
    assert [p.action for p in agenda(state, DEFAULTS)] == [
        Action.ATTEND_INTERVIEW,
        Action.LOG_INTERVIEW,
    ]


def test_questions_prepared_before_scheduling_count_as_prepared() -> None:
    state = given(ADDED, QUESTIONS, HOUR_LONG)

    assert Action.PREPARE_QUESTIONS not in [p.action for p in agenda(state, DEFAULTS)]


def test_rescheduling_moves_every_interview_time_and_keeps_the_rest() -> None:
    later = ev.InterviewRescheduled(starts_at=utc("2026-03-19T10:00"))

    state = _after((utc("2026-03-06T10:00"), later))

    assert state.interview == Interview(utc("2026-03-19T10:00"), 60, "Zoom")
    assert agenda(state, DEFAULTS)[0] == PlannedAction(
        utc("2026-03-17T10:00"), Action.PREPARE_QUESTIONS, utc("2026-03-19T10:00")
    )


def test_rescheduling_may_change_the_length_and_clear_the_location() -> None:
    shorter = ev.InterviewRescheduled(starts_at=STARTS, duration_minutes=20, location=None)

    state = _after((utc("2026-03-06T10:00"), shorter))

    assert state.interview == Interview(STARTS, 20, None)


def test_an_interview_logged_late_ended_at_its_scheduled_end() -> None:
    state = _after((utc("2026-03-13T09:00"), COMPLETED))

    assert state.status is Status.INTERVIEWED
    assert state.interview_ended_at == utc("2026-03-12T16:00")


def test_an_interview_logged_early_ended_when_it_was_logged() -> None:
    state = _after((utc("2026-03-12T15:40"), COMPLETED))

    assert state.interview_ended_at == utc("2026-03-12T15:40")


def test_a_logged_duration_replaces_the_scheduled_one() -> None:
    longer = ev.InterviewCompleted(duration_minutes=90)

    state = _after((utc("2026-03-13T09:00"), longer))

    assert state.interview is not None
    assert state.interview.duration_minutes == 90
    assert state.interview_ended_at == utc("2026-03-12T16:30")


def test_after_the_interview_the_thank_you_is_due_at_its_end_and_reflection_two_days_on() -> None:
    state = _after((utc("2026-03-13T09:00"), COMPLETED))

    assert agenda(state, DEFAULTS) == (
        PlannedAction(utc("2026-03-12T16:00"), Action.SEND_THANK_YOU),
        PlannedAction(utc("2026-03-14T16:00"), Action.REFLECT),
    )
    assert next_action(state, DEFAULTS, now=utc("2026-03-20T00:00")) == PlannedAction(
        utc("2026-03-12T16:00"), Action.SEND_THANK_YOU
    )


def test_after_the_thank_you_linkedin_is_due_two_days_later() -> None:
    state = _after((utc("2026-03-13T09:00"), COMPLETED), (utc("2026-03-13T10:00"), THANKS))

    assert state.status is Status.FOLLOWED_UP
    assert agenda(state, DEFAULTS) == (
        PlannedAction(utc("2026-03-14T16:00"), Action.REFLECT),
        PlannedAction(utc("2026-03-15T10:00"), Action.CONNECT_LINKEDIN),
    )


def test_connecting_before_the_thank_you_leaves_no_linkedin_reminder() -> None:
    state = _after(
        (utc("2026-03-13T09:00"), COMPLETED),
        (utc("2026-03-13T09:30"), ev.LinkedinConnected(profile_url="https://linkedin.com/in/ada")),
        (utc("2026-03-13T10:00"), THANKS),
    )

    assert state.linkedin_url == "https://linkedin.com/in/ada"
    assert [p.action for p in agenda(state, DEFAULTS)] == [Action.REFLECT]


def test_a_reflected_contact_not_yet_connected_is_still_asked_to_connect() -> None:
    state = _after(
        (utc("2026-03-13T09:00"), COMPLETED),
        (utc("2026-03-13T10:00"), THANKS),
        (utc("2026-03-14T10:00"), REFLECTION),
    )

    assert state.status is Status.REFLECTED
    assert next_action(state, DEFAULTS, now=utc("2026-03-14T10:00")) == PlannedAction(
        utc("2026-03-15T10:00"), Action.CONNECT_LINKEDIN
    )


def test_reflecting_before_thanking_asks_to_connect_two_days_after_the_interview() -> None:
    state = _after((utc("2026-03-13T09:00"), COMPLETED), (utc("2026-03-13T10:00"), REFLECTION))

    assert agenda(state, DEFAULTS) == (
        PlannedAction(utc("2026-03-14T16:00"), Action.CONNECT_LINKEDIN),
    )


def test_a_reflected_and_connected_contact_has_nothing_left_to_do() -> None:
    state = _after(
        (utc("2026-03-13T09:00"), COMPLETED),
        (utc("2026-03-13T10:00"), THANKS),
        (utc("2026-03-13T11:00"), LINKEDIN),
        (utc("2026-03-14T10:00"), REFLECTION),
    )

    assert agenda(state, DEFAULTS) == ()
    assert next_action(state, DEFAULTS, now=utc("2026-03-14T10:00")) is None


@pytest.mark.parametrize(
    "steps",
    [(ADDED, ARCHIVED), (*BOOKED, ARCHIVED), (*BOOKED, COMPLETED, ARCHIVED)],
    ids=["identified", "scheduled", "interviewed"],
)
def test_an_archived_contact_has_no_next_action(steps: tuple[ev.EventData, ...]) -> None:
    state = given(*steps)

    assert state.status is Status.ARCHIVED
    assert agenda(state, DEFAULTS) == ()
    assert next_action(state, DEFAULTS, now=utc("2026-03-12T15:00")) is None


def test_an_empty_or_erased_stream_has_no_next_action() -> None:
    erased = given(*BOOKED, ev.ContactErased())

    assert not erased.exists
    assert agenda(ContactState(contact_id="c-1"), DEFAULTS) == ()
    assert next_action(erased, DEFAULTS, now=STARTS) is None


def test_a_reminder_going_out_changes_no_agenda_and_no_updated_time() -> None:
    before = _after()
    reminder = ev.ReminderSent(action=Action.PREPARE_QUESTIONS, due_at=utc("2026-03-10T15:00"))

    after = given(*BOOKED, (utc("2026-03-10T15:05"), reminder))

    assert after.reminders_sent == {(Action.PREPARE_QUESTIONS, utc("2026-03-10T15:00"))}
    assert after.updated_at == before.updated_at
    assert agenda(after, DEFAULTS) == agenda(before, DEFAULTS)
