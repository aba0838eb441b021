"""Business-day arithmetic in the user's own timezone (weekends skipped, holidays not)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain.moments import edge_near


def add_business_days(start: datetime, days: int, timezone: str) -> datetime:
    """`start` moved forward by `days` weekdays, at the same local wall-clock time.

    Counting happens on the user's calendar, so "7 business days" means the same to a user
    in Tokyo and in Los Angeles, and a daylight-saving change keeps the local hour. A start so
    near the end of the calendar that the count runs off it gives that end of time (which the
    agenda does not plan), never an OverflowError.
    """
    zone = ZoneInfo(timezone)
    try:
        local = start.astimezone(zone)
        day = local.date()
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if day.weekday() < 5:
                remaining -= 1
        wall = datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=zone)
        return wall.astimezone(UTC)
    except OverflowError:
        return edge_near(start)
