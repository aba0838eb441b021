"""Times at their limits: the bounds a new time must keep, and arithmetic that cannot overflow.

Python's datetimes end at years 1 and 9999. A stored event may hold any time they can (one
written before the edge had bounds, or by a tool), and the agenda adds days to its times and
moves them into the user's timezone: near either end that raised OverflowError, which took the
contact's reads, its user's projector batch and its user's whole sweep down. So shifts here
saturate at the end of time they run into, and the agenda plans only `plannable` times.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

BEGINNING = datetime.min.replace(tzinfo=UTC)
END = datetime.max.replace(tzinfo=UTC)

# What a new time may be. Nothing recorded here happened before 1970 (a person adds a contact
# after writing to them, but not decades after); no interview is planned more than five years
# ahead; and no place on Earth keeps a clock more than 14 hours from UTC (Kiribati, +14:00).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
YEARS_AHEAD = 5
MAX_OFFSET = timedelta(hours=14)
# The agenda plans within [EARLIEST, LAST_PLANNED] only: far beyond what the edge accepts, and
# far enough from year 9999 that every timezone, every wait and every reminder hour still fits.
LAST_PLANNED = datetime(9000, 1, 1, tzinfo=UTC)


def edge_near(moment: datetime) -> datetime:
    """The end of time closer to `moment`: where a computation that ran off the calendar
    near `moment` saturates."""
    return BEGINNING if moment.year < 5000 else END


def shifted(moment: datetime, delta: timedelta) -> datetime:
    """`moment + delta`, or the end of time it ran into."""
    try:
        return moment + delta
    except OverflowError:
        return END if delta > timedelta(0) else BEGINNING


def in_utc(moment: datetime) -> datetime:
    """`moment` in UTC, or the end of time nearest to it when UTC cannot hold it
    (`0001-01-01T00:00+14:00` is in year 0 there)."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return edge_near(moment)


def plannable(moment: datetime) -> bool:
    """Whether the agenda may plan an action at `moment`."""
    return EARLIEST <= moment <= LAST_PLANNED


def latest_accepted(now: datetime) -> datetime:
    """`YEARS_AHEAD` calendar years after `now` (29 February becomes the 28th)."""
    year = now.year + YEARS_AHEAD
    if year > END.year:
        return END
    try:
        return now.replace(year=year)
    except ValueError:
        return now.replace(year=year, day=28)


def time_problem(moment: datetime, now: datetime | None = None) -> str | None:
    """Why `moment` cannot be a new time, in words, or None: an offset no clock keeps, before
    1970, or (given `now`) more than five years ahead of it."""
    offset = moment.utcoffset()
    if offset is None or abs(offset) > MAX_OFFSET:
        return "must have a UTC offset between -14:00 and +14:00"
    if moment < EARLIEST:
        return "must not be before 1970-01-01T00:00:00Z"
    if now is not None and moment > (latest := latest_accepted(now)):
        return f"must not be more than {YEARS_AHEAD} years ahead (after {_iso(latest)})"
    return None


def _iso(moment: datetime) -> str:
    return in_utc(moment).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
