"""Business days on the user's calendar: weekends skipped, the local wall-clock hour kept."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.business_days import add_business_days
from tests.domain.builders import utc

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2026-03-02T10:00", 1, "2026-03-03T10:00"),  # Monday → Tuesday
        ("2026-03-06T10:00", 1, "2026-03-09T10:00"),  # Friday → Monday
        ("2026-03-07T10:00", 1, "2026-03-09T10:00"),  # Saturday → Monday
        ("2026-03-08T10:00", 1, "2026-03-09T10:00"),  # Sunday → Monday
        ("2026-03-06T10:00", 3, "2026-03-11T10:00"),  # Friday → Wednesday
        ("2026-03-02T10:00", 5, "2026-03-09T10:00"),  # a whole week
        ("2026-03-02T10:00", 10, "2026-03-16T10:00"),
        ("2026-03-04T10:00", 0, "2026-03-04T10:00"),
    ],
)
def test_weekends_are_skipped(start: str, days: int, expected: str) -> None:
    assert add_business_days(utc(start), days, "UTC") == utc(expected)


def test_the_answer_is_in_utc_whatever_the_start_offset() -> None:
    start = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))

    result = add_business_days(start, 1, "Asia/Tokyo")

    assert result.tzinfo is UTC
    assert result == datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_seconds_and_microseconds_survive() -> None:
    start = datetime(2026, 3, 2, 10, 0, 7, 123, tzinfo=UTC)

    assert add_business_days(start, 2, "UTC") == datetime(2026, 3, 4, 10, 0, 7, 123, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Daylight saving ends on Sunday 1 November 2026: 10:00 EDT → 10:00 EST.
        (datetime(2026, 10, 30, 10, tzinfo=NEW_YORK), utc("2026-11-02T15:00")),
        # Daylight saving starts on Sunday 14 March 2027: 10:00 EST → 10:00 EDT.
        (datetime(2027, 3, 12, 10, tzinfo=NEW_YORK), utc("2027-03-15T14:00")),
        # Early morning, when the UTC date is already the next day.
        (datetime(2026, 10, 30, 21, 30, tzinfo=NEW_YORK), utc("2026-11-03T02:30")),
    ],
)
def test_a_daylight_saving_change_keeps_the_local_hour(start: datetime, expected: datetime) -> None:
    result = add_business_days(start, 1, "America/New_York")

    assert result == expected
    assert result.astimezone(NEW_YORK).time() == start.time()


def test_the_weekday_is_the_one_on_the_users_calendar_not_in_utc() -> None:
    friday_night_in_la = utc("2026-01-10T06:00")  # Saturday in UTC

    in_la = add_business_days(friday_night_in_la, 1, "America/Los_Angeles")
    in_utc = add_business_days(friday_night_in_la, 1, "UTC")

    assert in_la == utc("2026-01-13T06:00")  # Monday 22:00 PST
    assert in_utc == utc("2026-01-12T06:00")  # Monday 06:00 UTC
