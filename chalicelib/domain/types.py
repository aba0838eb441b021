"""The value types every layer shares, each with its one rule: an email address, an IANA time
zone and a timestamp. Events, settings, digests and tokens all check values here, so a value
one part accepts is never refused by another.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, AwareDatetime, Field

MAX_EMAIL_LENGTH = 320  # RFC 5321's limits: 64 for the local part, 255 for the domain, an "@"
# Deliberately loose (no RFC 5322 grammar): one "@", no spaces, a dot in the domain. Mail
# servers are the judge; this only keeps out what is plainly not an address.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
EMAIL_MESSAGE = "must be an email address like ada@example.com"
TIME_ZONE_MESSAGE = "must be an IANA timezone like America/New_York"


def is_email(value: object) -> bool:
    """Whether `value` may be used as an email address (the rule of the `Email` type)."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_EMAIL_LENGTH
        and _EMAIL.fullmatch(value) is not None
    )


def _email(value: str) -> str:
    if not is_email(value):
        raise ValueError(EMAIL_MESSAGE)
    return value


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def is_time_zone(name: object) -> bool:
    """Whether `name` is an IANA zone: listed in the tz database, not merely a loadable path
    (ZoneInfo would also open files such as `posixrules`)."""
    if not isinstance(name, str) or name not in _known_zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _time_zone_name(value: str) -> str:
    if not is_time_zone(value):
        raise ValueError(TIME_ZONE_MESSAGE)
    return value


def _in_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


Email = Annotated[str, Field(max_length=MAX_EMAIL_LENGTH), AfterValidator(_email)]
TimeZoneName = Annotated[str, AfterValidator(_time_zone_name)]
# An aware instant, normalised to UTC so equal instants look equal. Not cut to the millisecond:
# events keep the microseconds they were recorded with and `timefmt.iso` prints a sub-millisecond
# time as `.000Z`, so cutting would change stored times and answers; the stores that keep
# milliseconds cut with `timefmt.to_millis` when they write.
Timestamp = Annotated[AwareDatetime, AfterValidator(_in_utc)]
