"""Never at night: a reminder leaves only in the user's window, three real hours from their
reminder hour in their timezone, across DST days in zones on every side of UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.reminder_time import in_window, next_window_start
from chalicelib.domain.user_settings import UserSettings

# Each zone with its 2026 DST days (spring-forward, fall-back) when it has DST, and a plain day.
ZONE_DAYS: dict[str, list[date]] = {
    "UTC": [date(2026, 6, 1)],
    "America/Los_Angeles": [date(2026, 3, 8), date(2026, 11, 1), date(2026, 6, 1)],
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1), date(2026, 6, 1)],
    "America/Sao_Paulo": [date(2026, 6, 1), date(2026, 12, 1)],
    "Europe/London": [date(2026, 3, 29), date(2026, 10, 25), date(2026, 6, 1)],
    "Europe/Berlin": [date(2026, 3, 29), date(2026, 10, 25), date(2026, 6, 1)],
    "Asia/Kolkata": [date(2026, 6, 1)],
    "Asia/Tokyo": [date(2026, 6, 1)],
    "Australia/Sydney": [date(2026, 10, 4), date(2026, 4, 5), date(2026, 6, 1)],
    "Pacific/Auckland": [date(2026, 9, 27), date(2026, 4, 5), date(2026, 6, 1)],
}
HOURS = [0, 2, 9, 23]
CASES = [
    pytest.param(zone, day, hour, id=f"{zone}-{day}-{hour:02d}")
    for zone, days in ZONE_DAYS.items()
    for day in days
    for hour in HOURS
]
WINDOW = timedelta(hours=3)
MINUTE = timedelta(minutes=1)


def reference_start(zone: str, day: date, hour: int) -> datetime:
    """The first instant, minute by minute, whose wall clock reads `day` `hour`:00 or later:
    the first occurrence of an ambiguous hour, the first valid instant after a skipped one."""
    target = datetime.combine(day, time(hour))
    tz = ZoneInfo(zone)
    at = target.replace(tzinfo=UTC) - timedelta(hours=15)
    while at.astimezone(tz).replace(tzinfo=None) < target:
        at += MINUTE
    return at


@pytest.mark.parametrize(("zone", "day", "hour"), CASES)
def test_the_window_is_three_real_hours_from_the_local_reminder_hour(
    zone: str, day: date, hour: int
) -> None:
    user = UserSettings(timezone=zone, reminder_hour=hour)
    start = reference_start(zone, day, hour)
    following = reference_start(zone, day + timedelta(days=1), hour)

    assert not in_window(start - MINUTE, user)
    assert in_window(start, user)
    assert in_window(start + WINDOW - MINUTE, user)
    assert not in_window(start + WINDOW, user)
    assert next_window_start(start - MINUTE, user) == start
    assert next_window_start(start - timedelta(hours=12), user) == start
    assert next_window_start(start + timedelta(hours=1), user) == start + timedelta(hours=1)
    assert next_window_start(start + WINDOW, user) == following


@pytest.mark.parametrize(("zone", "day", "hour"), CASES)
def test_every_ten_minutes_of_the_day_agrees_with_the_reference(
    zone: str, day: date, hour: int
) -> None:
    user = UserSettings(timezone=zone, reminder_hour=hour)
    starts = [reference_start(zone, day + timedelta(days=d), hour) for d in (-1, 0, 1)]
    at = starts[0]
    while at < starts[2] + WINDOW:
        expected = any(s <= at < s + WINDOW for s in starts)
        assert in_window(at, user) is expected, at
        at += timedelta(minutes=10)


def test_a_skipped_reminder_hour_starts_at_the_first_valid_instant_after_it() -> None:
    # New York skips 02:00-03:00 on 8 March 2026: the window opens at 03:00 EDT (07:00 UTC).
    user = UserSettings(timezone="America/New_York", reminder_hour=2)
    night = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)
    assert next_window_start(night, user) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)


def test_an_ambiguous_reminder_hour_starts_at_its_first_occurrence() -> None:
    # Berlin repeats 02:00-03:00 on 25 October 2026: first as CEST (00:00 UTC).
    user = UserSettings(timezone="Europe/Berlin", reminder_hour=2)
    evening = datetime(2026, 10, 24, 20, 0, tzinfo=UTC)
    start = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    assert next_window_start(evening, user) == start
    assert in_window(start + WINDOW - MINUTE, user)
    assert not in_window(start + WINDOW, user)


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(sorted(ZONE_DAYS)),
    hour=st.integers(min_value=0, max_value=23),
    now=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    fractions=st.lists(st.floats(min_value=0, max_value=1, exclude_max=True), max_size=20),
)
def test_the_next_window_start_is_the_first_instant_in_the_window(
    zone: str, hour: int, now: datetime, fractions: list[float]
) -> None:
    user = UserSettings(timezone=zone, reminder_hour=hour)
    start = next_window_start(now, user)
    assert start >= now
    assert in_window(start, user)
    gap = start - now
    assert gap < timedelta(hours=25)
    for fraction in [*fractions, *(i / 16 for i in range(1, 16))]:
        between = now + gap * fraction
        if now < between < start:
            assert not in_window(between, user), between
