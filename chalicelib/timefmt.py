"""ISO 8601 in and out: the server always answers in UTC `Z` form."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """`2026-12-01T09:00:00Z`, with milliseconds only when there are any."""
    utc = moment.astimezone(UTC)
    spec = "milliseconds" if utc.microsecond else "seconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def parse_iso(text: str) -> datetime:
    """An aware datetime from ISO 8601 text (`Z` or an offset required)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("needs a timezone offset, e.g. 2026-12-01T09:00:00Z")
    return moment.astimezone(UTC)
