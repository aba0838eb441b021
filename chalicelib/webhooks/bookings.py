"""What a booking webhook means to Rapport, whichever provider sent it.

Calendly and Cal.com describe the same few facts (someone booked, moved or cancelled a
conversation) in different shapes. Each parser reduces its provider's delivery to one `Booking`,
so the code that records interviews knows nothing about either provider's JSON.

The helpers here read untrusted JSON defensively: every failure is a `PayloadError` naming the
JSON path that was wrong, so the endpoint can answer 400 with a useful message and never a 500.
Text that Rapport stores is bounded (a verified signature proves who sent a body, not that it is
reasonable), and times are aware UTC.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 240
MAX_LOCATION_LENGTH = 200
MAX_REASON_LENGTH = 5000
MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 320
# Far above any real delivery (a few KiB), far below what would hurt a Lambda.
MAX_BODY_BYTES = 1024 * 1024
# ISO 8601 text longer than this is not a timestamp; refuse it before parsing.
_MAX_TIMESTAMP_LENGTH = 64
ROOT = "$"


class BookingKind(StrEnum):
    """What a delivery asks Rapport to do."""

    CREATED = "created"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    IGNORED = "ignored"


class PayloadError(ValueError):
    """The body is not a delivery this parser understands: answer 400, record nothing.

    `field` is the JSON path of the offending value ("payload.scheduled_event.start_time",
    "payload.attendees[0].email", or "$" for the body as a whole), so the logs say exactly which
    part of the provider's contract was broken.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Booking:
    """One provider delivery, reduced to what Rapport records.

    - `delivery_key` identifies what the delivery means (this invitee booked, this booking was
      cancelled), not the HTTP request, so a provider's retry of the same delivery yields the
      same key and can be recorded once.
    - `invitee_email` is lowercased, as addresses are compared case-insensitively.
    - `starts_at` is aware UTC; `duration_minutes` is clamped to 5..240 so a zero-length or
      all-day slot cannot distort reminders and calendars.
    - `location` (<= 200 chars) and `reason` (<= 5000 chars) are truncated, not refused: a long
      cancellation note is still a cancellation.
    - `ignored_because` is set exactly when `kind` is IGNORED, saying why for the logs.
    """

    provider: str
    kind: BookingKind
    delivery_key: str
    invitee_email: str | None = None
    invitee_name: str | None = None
    starts_at: datetime | None = None
    duration_minutes: int | None = None
    location: str | None = None
    reason: str | None = None
    ignored_because: str | None = None

    def __post_init__(self) -> None:
        """Refuse a Booking that breaks the invariants above, however it was built."""
        if self.provider not in ("calendly", "calcom"):
            raise ValueError(f"unknown provider {self.provider!r}")
        if (self.kind is BookingKind.IGNORED) != (self.ignored_because is not None):
            raise ValueError("ignored_because is set exactly when kind is IGNORED")
        if self.starts_at is not None and self.starts_at.utcoffset() != timedelta(0):
            raise ValueError("starts_at must be aware UTC")
        if self.duration_minutes is not None and not (
            MIN_DURATION_MINUTES <= self.duration_minutes <= MAX_DURATION_MINUTES
        ):
            raise ValueError("duration_minutes must be within 5..240")
        if self.location is not None and len(self.location) > MAX_LOCATION_LENGTH:
            raise ValueError("location is too long")
        if self.reason is not None and len(self.reason) > MAX_REASON_LENGTH:
            raise ValueError("reason is too long")


# Reading untrusted JSON.


def load_object(raw_body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or a PayloadError at `$`.

    `json.loads` can fail in more ways than `JSONDecodeError`: undecodable bytes
    (`UnicodeDecodeError`), integers too long to convert (`ValueError`) and deep nesting
    (`RecursionError`). All of them are a bad body, not a server fault.
    """
    if len(raw_body) > MAX_BODY_BYTES:
        raise PayloadError(ROOT, f"body is larger than {MAX_BODY_BYTES} bytes")
    try:
        document = json.loads(raw_body)
    except (ValueError, RecursionError) as error:
        raise PayloadError(ROOT, "body is not valid JSON") from error
    if not isinstance(document, dict):
        raise PayloadError(ROOT, "body is not a JSON object")
    return document


def child(path: str, key: str) -> str:
    """The JSON path of `key` inside the object at `path`."""
    return key if path == ROOT else f"{path}.{key}"


def get_object(parent: dict[str, Any], path: str, key: str) -> dict[str, Any]:
    """A required object member."""
    value = parent.get(key)
    if not isinstance(value, dict):
        raise PayloadError(child(path, key), "missing or not an object")
    return value


def get_str(parent: dict[str, Any], path: str, key: str) -> str:
    """A required, non-blank string member."""
    value = parent.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(child(path, key), "missing or not a non-empty string")
    return value


def optional_str(parent: dict[str, Any], key: str) -> str | None:
    """A display-only string member, or None when absent, blank or of another type.

    Used only for values Rapport merely shows (names, locations, reasons): a provider adding a
    new shape for one of them should not make a genuine booking undeliverable.
    """
    value = parent.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def get_bool(parent: dict[str, Any], path: str, key: str, default: bool) -> bool:
    """A boolean member that changes what a delivery means; absent or null is `default`."""
    value = parent.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise PayloadError(child(path, key), "not a boolean")
    return value


def get_time(parent: dict[str, Any], path: str, key: str) -> datetime:
    """A required ISO 8601 timestamp with an offset (`Z` included), as aware UTC.

    A time without an offset is refused rather than guessed: reading it as UTC or as local time
    could move an interview by hours.
    """
    text = get_str(parent, path, key)
    field = child(path, key)
    if len(text) > _MAX_TIMESTAMP_LENGTH:
        raise PayloadError(field, "not an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise PayloadError(field, "not an ISO 8601 timestamp") from error
    if moment.utcoffset() is None:
        raise PayloadError(field, "timestamp has no UTC offset")
    try:
        return moment.astimezone(UTC)
    except (ValueError, OverflowError) as error:  # an offset pushing it past year 1 or 9999
        raise PayloadError(field, "timestamp is out of range") from error


def get_email(parent: dict[str, Any], path: str, key: str) -> str:
    """A required email address, stripped and lowercased."""
    email = get_str(parent, path, key).strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or "@" not in email:
        raise PayloadError(child(path, key), "not an email address")
    return email


# Normalising what is kept.


def duration_minutes(starts_at: datetime, ends_at: datetime, end_field: str) -> int:
    """Whole minutes from start to end (rounded), clamped to 5..240.

    An end before the start is refused, not clamped: that is a broken payload, not a short call.
    """
    seconds = (ends_at - starts_at).total_seconds()
    if seconds < 0:
        raise PayloadError(end_field, "ends before it starts")
    minutes = round(seconds / 60)
    return max(MIN_DURATION_MINUTES, min(MAX_DURATION_MINUTES, minutes))


def clip(text: str | None, limit: int) -> str | None:
    """`text` cut to at most `limit` characters (None stays None)."""
    if text is None:
        return None
    return text[:limit]


def digest(text: str, length: int = 32) -> str:
    """A hex SHA-256 prefix of `text`: a bounded, stable stand-in for an unbounded value."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def bounded(token: str, limit: int) -> str:
    """`token` itself when short and printable ASCII, else a digest of it.

    Keeps idempotency keys within DynamoDB's and the logs' comfort whatever a provider sends,
    while a normal value stays readable.
    """
    if len(token) <= limit and token.isascii() and token.isprintable():
        return token
    return digest(token)


def body_digest(raw_body: bytes) -> str:
    """A digest of the whole body, the delivery key of an event that names nothing stable."""
    return hashlib.sha256(raw_body).hexdigest()[:32]
