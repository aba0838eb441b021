"""The value types every layer shares, each with its one rule: an email address, an IANA time
zone and a timestamp. Events, settings, digests and tokens all check values here, so a value
one part accepts is never refused by another.
"""

from __future__ import annotations

import re
from datetime import datetime
from email import policy
from email.headerregistry import Address
from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, AwareDatetime, Field

from chalicelib.domain.moments import in_utc

# RFC 5321's whole path. Its parts' limits (64 for the local part, 255 for the domain) are the
# mail service's to judge: no JSON Schema pattern can count a part (hypothesis cannot generate
# from lookaheads), and the OpenAPI document states this rule exactly. An address SES refuses
# is a 400 naming `email` when it is chosen (the confirmation link cannot leave), and a
# reported refusal in the sweep, whose claims are released (reminders/delivery.py).
MAX_EMAIL_LENGTH = 320
# What the mailer can always write in a To header, and every mail system takes unquoted and
# unencoded: a dot-atom local part of RFC 5322's atext (ASCII only: SES has no SMTPUTF8) and a
# host name of RFC 1035 letter-digit-hyphen labels, at least two, the last starting with a
# letter (no numeric top-level domain). No quoted local parts, comments, domain literals,
# display names, lists of addresses, spaces or control characters.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP_LABEL = r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERN = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+{_TOP_LABEL}$"
_EMAIL = re.compile(EMAIL_PATTERN)
EMAIL_MESSAGE = "must be an email address like ada@example.com"
TIME_ZONE_MESSAGE = "must be an IANA timezone like America/New_York"


def is_email(value: object) -> bool:
    """Whether `value` may be used as an email address (the rule of the `Email` type)."""
    if not isinstance(value, str) or len(value) > MAX_EMAIL_LENGTH:
        return False
    return _EMAIL.fullmatch(value) is not None and _one_address(value)


def _one_address(value: str) -> bool:
    """Whether the standard library's `email` package, which the mailer writes headers with,
    reads `value` as exactly one address spelled as given, without a defect."""
    try:
        address = Address(addr_spec=value)
        header = policy.SMTP.header_factory("To", str(address))
    except Exception:  # the parser raises more than ValueError on odd input (a CPython bug)
        return False
    return not header.defects and [a.addr_spec for a in header.addresses] == [value]


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
    return in_utc(moment)


Email = Annotated[
    str,
    Field(max_length=MAX_EMAIL_LENGTH, json_schema_extra={"pattern": EMAIL_PATTERN}),
    AfterValidator(_email),
]


def time_zone_names() -> list[str]:
    """Every name `is_time_zone` accepts, in order."""
    return sorted(name for name in _known_zones() if is_time_zone(name))


# Not an `enum` of the ~600 names: generated clients turn an enum into identifiers, and names
# such as `GMT+0`, `GMT-0` and `GMT0` become one (openapi-python-client refuses the document).
TIME_ZONE_FORMAT = "iana-time-zone"
TimeZoneName = Annotated[
    str,
    Field(
        json_schema_extra={
            "format": TIME_ZONE_FORMAT,
            "description": "A name of the IANA tz database (`America/New_York`, `UTC`), as "
            "the browser's `Intl.DateTimeFormat().resolvedOptions().timeZone` gives it",
        }
    ),
    AfterValidator(_time_zone_name),
]
# An aware instant, normalised to UTC so equal instants look equal (one UTC cannot hold, such as
# `0001-01-01T00:00+14:00` from an old stored event, saturates at the end of time: see
# `moments`; new ones are kept in bounds at the edge). Not cut to the millisecond:
# events keep the microseconds they were recorded with and `timefmt.iso` prints a sub-millisecond
# time as `.000Z`, so cutting would change stored times and answers; the stores that keep
# milliseconds cut with `timefmt.to_millis` when they write.
Timestamp = Annotated[AwareDatetime, AfterValidator(_in_utc)]
