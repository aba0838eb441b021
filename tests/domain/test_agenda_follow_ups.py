"""Reaching out: when to follow up and when to move on, counted on the user's own calendar."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.agenda import PlannedAction, agenda, next_action
from chalicelib.domain.events import EventData
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, Status
from tests.domain.builders import (
    ACCEPTED,
    ADDED,
    CANCELLED,
    DECLINED,
    FOLLOW_UP,
    INTRO,
    OUTREACH,
    SCHEDULED,
    given,
    utc,
)

DEFAULTS = UserSettings()


def _due(settings: UserSettings, *steps: tuple[datetime, EventData]) -> PlannedAction | None:
    """The next action right after the last step, for a contact added on New Year's Day."""
    state = given((utc("2026-01-01T08:00"), ADDED), *steps)
    assert state.updated_at is not None
    return next_action(state, settings, now=state.updated_at)


def test_the_defaults_are_seven_business_days_and_one_follow_up() -> None:
    assert (DEFAULTS.follow_up_after_business_days, DEFAULTS.max_follow_ups) == (7, 1)
    assert DEFAULTS.timezone == "UTC"


def test_a_new_contact_is_due_to_be_reached_out_to_at_once() -> None:
    state = given((utc("2026-03-02T09:00"), ADDED))

    assert next_action(state, DEFAULTS, now=utc("2026-03-20T00:00")) == PlannedAction(
        utc("2026-03-02T09:00"), Action.REACH_OUT
    )


def test_a_monday_outreach_is_followed_up_on_the_wednesday_of_the_next_week() -> None:
    planned = _due(DEFAULTS, (utc("2026-03-02T10:00"), OUTREACH))

    assert planned == PlannedAction(utc("2026-03-11T10:00"), Action.FOLLOW_UP)


def test_a_friday_outreach_skips_two_weekends_to_the_tuesday_after_next() -> None:
    planned = _due(DEFAULTS, (utc("2026-03-06T14:00"), OUTREACH))

    assert planned == PlannedAction(utc("2026-03-17T14:00"), Action.FOLLOW_UP)


def test_a_saturday_outreach_counts_from_the_monday_after() -> None:
    planned = _due(DEFAULTS, (utc("2026-03-07T10:00"), OUTREACH))

    assert planned == PlannedAction(utc("2026-03-17T10:00"), Action.FOLLOW_UP)


def test_after_the_one_follow_up_the_advice_is_to_move_on_seven_business_days_later() -> None:
    planned = _due(
        DEFAULTS, (utc("2026-03-02T10:00"), OUTREACH), (utc("2026-03-11T11:00"), FOLLOW_UP)
    )

    assert planned == PlannedAction(utc("2026-03-20T11:00"), Action.MOVE_ON)


def test_custom_settings_wait_three_business_days_and_allow_two_follow_ups() -> None:
    patient = UserSettings(follow_up_after_business_days=3, max_follow_ups=2)
    outreach = (utc("2026-03-05T10:00"), OUTREACH)  # a Thursday
    first = (utc("2026-03-10T11:00"), FOLLOW_UP)
    second = (utc("2026-03-13T12:00"), FOLLOW_UP)

    assert _due(patient, outreach) == PlannedAction(utc("2026-03-10T10:00"), Action.FOLLOW_UP)
    assert _due(patient, outreach, first) == PlannedAction(
        utc("2026-03-13T11:00"), Action.FOLLOW_UP
    )
    assert _due(patient, outreach, first, second) == PlannedAction(
        utc("2026-03-18T12:00"), Action.MOVE_ON
    )


def test_with_no_follow_ups_allowed_the_outreach_leads_straight_to_moving_on() -> None:
    impatient = UserSettings(max_follow_ups=0)

    planned = _due(impatient, (utc("2026-03-02T10:00"), OUTREACH))

    assert planned == PlannedAction(utc("2026-03-11T10:00"), Action.MOVE_ON)


def test_a_late_friday_outreach_in_los_angeles_counts_from_the_los_angeles_friday() -> None:
    # 22:00 on Friday 9 January in LA is already Saturday 06:00 in UTC; counted on the UTC
    # calendar the due date would be Tuesday 20 January 06:00 UTC, a day early for the user.
    la = UserSettings(timezone="America/Los_Angeles")

    planned = _due(la, (utc("2026-01-10T06:00"), OUTREACH))

    assert planned == PlannedAction(utc("2026-01-21T06:00"), Action.FOLLOW_UP)  # Tue 22:00 PST


def test_a_saturday_morning_outreach_in_tokyo_counts_from_the_tokyo_monday() -> None:
    # 08:00 on Saturday 10 January in Tokyo is still Friday 23:00 in UTC.
    tokyo = UserSettings(timezone="Asia/Tokyo")

    planned = _due(tokyo, (utc("2026-01-09T23:00"), OUTREACH))

    assert planned == PlannedAction(utc("2026-01-19T23:00"), Action.FOLLOW_UP)  # Tue 08:00 JST


def test_a_follow_up_across_the_end_of_daylight_saving_keeps_the_new_york_hour() -> None:
    # Friday 30 October 2026, 10:00 EDT; daylight saving ends on Sunday 1 November.
    new_york = UserSettings(timezone="America/New_York")

    planned = _due(new_york, (utc("2026-10-30T14:00"), OUTREACH))

    assert planned == PlannedAction(utc("2026-11-10T15:00"), Action.FOLLOW_UP)  # 10:00 EST


def test_a_follow_up_across_the_start_of_daylight_saving_keeps_the_new_york_hour() -> None:
    # Friday 12 March 2027, 10:00 EST; daylight saving starts on Sunday 14 March.
    new_york = UserSettings(timezone="America/New_York")

    planned = _due(new_york, (utc("2027-03-12T15:00"), OUTREACH))

    assert planned == PlannedAction(utc("2027-03-23T14:00"), Action.FOLLOW_UP)  # 10:00 EDT


def test_an_introduction_alone_suggests_reaching_out_yourself_after_the_wait() -> None:
    planned = _due(DEFAULTS, (utc("2026-03-02T10:00"), INTRO))

    assert planned == PlannedAction(utc("2026-03-11T10:00"), Action.REACH_OUT)


def test_an_outreach_after_an_introduction_starts_the_follow_up_clock() -> None:
    planned = _due(DEFAULTS, (utc("2026-03-02T10:00"), INTRO), (utc("2026-03-04T10:00"), OUTREACH))

    assert planned == PlannedAction(utc("2026-03-13T10:00"), Action.FOLLOW_UP)


def test_an_accepted_reply_asks_to_schedule_the_interview_from_the_reply() -> None:
    planned = _due(
        DEFAULTS, (utc("2026-03-02T10:00"), OUTREACH), (utc("2026-03-03T16:00"), ACCEPTED)
    )

    assert planned == PlannedAction(utc("2026-03-03T16:00"), Action.SCHEDULE_INTERVIEW)


def test_a_declined_reply_ends_the_pipeline_with_nothing_left_to_do() -> None:
    state = given(ADDED, OUTREACH, DECLINED)

    assert state.status is Status.DECLINED
    assert agenda(state, DEFAULTS) == ()
    assert next_action(state, DEFAULTS, now=utc("2026-06-01T00:00")) is None


def test_a_cancelled_interview_goes_back_to_reaching_out_and_asks_to_reschedule() -> None:
    state = given(ADDED, OUTREACH, ACCEPTED, SCHEDULED, (utc("2026-03-06T10:00"), CANCELLED))

    assert state.status is Status.REACHING_OUT
    assert state.interview is None
    assert next_action(state, DEFAULTS, now=utc("2026-03-07T00:00")) == PlannedAction(
        utc("2026-03-06T10:00"), Action.SCHEDULE_INTERVIEW
    )
