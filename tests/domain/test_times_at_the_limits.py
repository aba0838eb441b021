"""Times at the ends of the calendar: what a new time may be, and a domain that cannot overflow
on the times an old stored event may hold (year 1, year 9999, offsets no clock keeps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.domain import events as ev
from chalicelib.domain.agenda import PlannedAction, agenda, next_action, off_the_calendar
from chalicelib.domain.business_days import add_business_days
from chalicelib.domain.moments import BEGINNING, END, latest_accepted, time_problem
from chalicelib.domain.reminder_time import send_time
from chalicelib.domain.state import Interview
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, Status
from tests.domain.builders import ACCEPTED, ADDED, OUTREACH, given, interview, utc

NOW = utc("2026-11-26T14:00")
YEAR_1 = datetime(1, 1, 1, tzinfo=UTC)
LAST_DAY = datetime(9999, 12, 31, tzinfo=UTC)
NEW_YORK = UserSettings(timezone="America/New_York")
TOKYO = UserSettings(timezone="Asia/Tokyo", reminder_hour=23)
PLUS_14 = timezone(timedelta(hours=14))


@pytest.mark.parametrize(
    ("moment", "problem"),
    [
        (datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=15))), "UTC offset"),
        (datetime(2026, 1, 1, tzinfo=timezone(-timedelta(hours=14, minutes=1))), "UTC offset"),
        (datetime(1969, 12, 31, 23, 59, tzinfo=UTC), "1970"),
        (datetime(1970, 1, 1, 5, tzinfo=PLUS_14), "1970"),  # 1969-12-31T15:00Z
        (datetime(1, 1, 1, tzinfo=PLUS_14), "1970"),  # not even in UTC's calendar
        (datetime(9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=14))), "5 years"),
        (utc("2031-11-26T14:01"), "5 years"),
    ],
)
def test_a_new_time_off_the_bounds_is_refused_in_words(moment: datetime, problem: str) -> None:
    found = time_problem(moment, NOW)

    assert found is not None
    assert problem in found


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2026, 1, 1, tzinfo=PLUS_14),
        datetime(2026, 1, 1, tzinfo=timezone(-timedelta(hours=14))),
        utc("2031-11-26T14:00"),
    ],
)
def test_a_new_time_within_the_bounds_is_accepted(moment: datetime) -> None:
    assert time_problem(moment, NOW) is None


def test_five_years_ahead_of_a_29_february_is_the_28th() -> None:
    assert latest_accepted(utc("2028-02-29T10:00")) == utc("2033-02-28T10:00")


def test_a_stored_time_utc_cannot_hold_reads_as_the_end_of_time_it_ran_into() -> None:
    early = ev.InterviewScheduled.model_validate({"starts_at": "0001-01-01T00:00:00+14:00"})
    late = ev.InterviewScheduled.model_validate({"starts_at": "9999-12-31T23:00:00-14:00"})

    assert early.starts_at == BEGINNING
    assert late.starts_at == END


def test_an_interview_at_the_end_of_time_ends_there_instead_of_overflowing() -> None:
    assert Interview(datetime(9999, 12, 31, 23, 50, tzinfo=UTC), 30).ends_at == END


def test_business_days_counted_off_the_calendar_give_its_end_instead_of_overflowing() -> None:
    assert add_business_days(YEAR_1, 7, "America/New_York") == BEGINNING
    assert add_business_days(LAST_DAY, 7, "Asia/Tokyo") == END


def test_a_reminder_hour_off_the_calendar_falls_back_to_the_due_time() -> None:
    planned = PlannedAction(LAST_DAY + timedelta(hours=20), Action.REFLECT)

    assert send_time(planned, TOKYO) == planned.due_at


def test_an_outreach_dated_year_1_leaves_the_follow_up_unplanned_in_any_timezone() -> None:
    # Given an outreach an old client recorded as 0001-01-01, and a timezone behind UTC
    state = given(ADDED, (YEAR_1, OUTREACH))

    # Then the contact still has its state, and the agenda what it can plan: nothing here
    assert state.status is Status.REACHING_OUT
    assert agenda(state, NEW_YORK) == ()
    assert next_action(state, NEW_YORK, NOW) is None
    assert off_the_calendar(state) == ("last_outreach_at",)


@pytest.mark.parametrize(
    "starts_at", [utc("9999-12-30T23:00"), LAST_DAY, datetime(9999, 12, 31, 23, 59, tzinfo=UTC)]
)
def test_an_interview_in_year_9999_plans_nothing_and_raises_nothing(starts_at: datetime) -> None:
    state = given(ADDED, OUTREACH, ACCEPTED, interview(starts_at))

    assert state.status is Status.SCHEDULED
    assert agenda(state, TOKYO) == ()
    assert off_the_calendar(state) == ("interview.starts_at", "interview.ends_at")


def test_an_ordinary_contact_has_no_time_off_the_calendar() -> None:
    state = given(ADDED, OUTREACH, ACCEPTED, interview(utc("2026-12-04T15:00")))

    assert off_the_calendar(state) == ()
    assert [p.action for p in agenda(state, TOKYO)] == [
        Action.PREPARE_QUESTIONS,
        Action.ATTEND_INTERVIEW,
        Action.LOG_INTERVIEW,
    ]
