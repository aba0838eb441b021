"""Every time format of the service, in one place: ISO 8601 in and out (the server always
answers in UTC `Z` form) and the fixed-width form of sort keys.
"""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """`2026-12-01T09:00:00Z`, with milliseconds only when there are any."""
    utc = moment.astimezone(UTC)
    spec = "milliseconds" if utc.microsecond else "seconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def iso_exact(moment: datetime) -> str:
    """`2026-12-01T09:00:00.000005Z`: every microsecond kept, for the event store's items, so a
    stored time reads back equal to the one written."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def iso_or_none(moment: datetime | None) -> str | None:
    """`iso` of a time that may be missing (a step not taken yet)."""
    return iso(moment) if moment else None


def sortable(moment: datetime) -> str:
    """`2026-12-01T09:00:00.000000Z`: UTC, always with microseconds, for keys read by range.

    Fixed width, so string order is time order; `iso` drops zero milliseconds, and
    `...:00Z` would sort after `...:00.5Z`.
    """
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    """An aware datetime from ISO 8601 text (`Z` or an offset required)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("needs a timezone offset, e.g. 2026-12-01T09:00:00Z")
    return moment.astimezone(UTC)


def to_millis(moment: datetime) -> datetime:
    """The same instant in UTC, cut to the millisecond: what `iso` keeps, so a time that is
    stored and read back equals the one written."""
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)
