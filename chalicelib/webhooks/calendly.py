"""Calendly webhook v2 deliveries (`invitee.created`, `invitee.canceled`) as `Booking`s.

A delivery is `{"created_at", "created_by", "event", "payload"}`, where `payload` is the Invitee
resource with its `scheduled_event` embedded. Calendly reports a reschedule as two deliveries,
in no guaranteed order:

- `invitee.canceled` for the old invitee, with `rescheduled: true` and `new_invitee` set;
- `invitee.created` for the new invitee, with `old_invitee` set to the old one's URI.

Only the second becomes a RESCHEDULED booking (it alone knows the new time); the first is
IGNORED. So a reschedule yields exactly one "rescheduled" whichever delivery arrives first, and
never a spurious cancellation. A cancellation with `rescheduled` false is a real CANCELLED.
Every other event (`routing_form_submission.created`, `invitee_no_show.created`, ...) is
IGNORED with the reason, so subscribing to more events never breaks the endpoint.

The delivery key hashes the invitee URI (unbounded, and an identifier better kept out of keys
and logs): Calendly retries resend the same invitee, so a retry maps to the same key, while the
created and canceled deliveries of one invitee stay distinct.
"""

from __future__ import annotations

from typing import Any

from chalicelib.webhooks.bookings import (
    MAX_LOCATION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_REASON_LENGTH,
    ROOT,
    Booking,
    BookingKind,
    PayloadError,
    body_digest,
    bounded,
    clip,
    digest,
    duration_minutes,
    get_bool,
    get_email,
    get_object,
    get_str,
    get_time,
    load_object,
    optional_str,
)

PROVIDER = "calendly"
INVITEE_CREATED = "invitee.created"
INVITEE_CANCELED = "invitee.canceled"
RESCHEDULED_CANCEL = "rescheduled: the new booking carries it"
_MAX_EVENT_LENGTH = 64


def parse_calendly(raw_body: bytes) -> Booking:
    """The `Booking` a verified Calendly delivery means; `PayloadError` if it is malformed.

    Call only after `verify_calendly` has accepted the same bytes.
    """
    document = load_object(raw_body)
    event = get_str(document, ROOT, "event").strip()
    if event not in (INVITEE_CREATED, INVITEE_CANCELED):
        return _ignored(document, event, raw_body)

    payload = get_object(document, ROOT, "payload")
    uri = get_str(payload, "payload", "uri").strip()
    scheduled = get_object(payload, "payload", "scheduled_event")
    starts_at = get_time(scheduled, "payload.scheduled_event", "start_time")
    ends_at = get_time(scheduled, "payload.scheduled_event", "end_time")
    details: dict[str, Any] = {
        "provider": PROVIDER,
        "delivery_key": f"calendly:{event}:{digest(uri)}",
        "invitee_email": get_email(payload, "payload", "email"),
        "invitee_name": _invitee_name(payload),
        "starts_at": starts_at,
        "duration_minutes": duration_minutes(
            starts_at, ends_at, "payload.scheduled_event.end_time"
        ),
        "location": clip(_location(scheduled), MAX_LOCATION_LENGTH),
    }

    if event == INVITEE_CREATED:
        rescheduled = _uri_or_none(payload, "old_invitee") is not None
        kind = BookingKind.RESCHEDULED if rescheduled else BookingKind.CREATED
        return Booking(kind=kind, **details)

    if get_bool(payload, "payload", "rescheduled", default=False):
        return Booking(kind=BookingKind.IGNORED, ignored_because=RESCHEDULED_CANCEL, **details)
    return Booking(kind=BookingKind.CANCELLED, reason=_cancellation_reason(payload), **details)


def _ignored(document: dict[str, Any], event: str, raw_body: bytes) -> Booking:
    """An IGNORED booking for an event Rapport does not act on.

    Keyed on `payload.uri` when there is one (most Calendly resources have it), else on the
    whole body, so a retried delivery still maps to one key.
    """
    name = bounded(event, _MAX_EVENT_LENGTH)
    payload = document.get("payload")
    uri = payload.get("uri") if isinstance(payload, dict) else None
    identity = digest(uri) if isinstance(uri, str) and uri else body_digest(raw_body)
    return Booking(
        provider=PROVIDER,
        kind=BookingKind.IGNORED,
        delivery_key=f"calendly:{name}:{identity}",
        ignored_because=f"Calendly event {name!r} is not a booking change",
    )


def _invitee_name(payload: dict[str, Any]) -> str | None:
    """`name`, else `first_name` and `last_name` joined (forms may ask for either)."""
    name = optional_str(payload, "name")
    if name is None:
        parts = [optional_str(payload, "first_name"), optional_str(payload, "last_name")]
        name = " ".join(part for part in parts if part) or None
    return clip(name, MAX_NAME_LENGTH)


def _location(scheduled: dict[str, Any]) -> str | None:
    """Where the conversation happens: the address or phone (`location`), else the meeting
    link (`join_url`), else at least the kind of location (`type`, e.g. "zoom")."""
    location = scheduled.get("location")
    if not isinstance(location, dict):
        return None
    return (
        optional_str(location, "location")
        or optional_str(location, "join_url")
        or optional_str(location, "type")
    )


def _uri_or_none(payload: dict[str, Any], key: str) -> str | None:
    """A reference member that decides the kind: a non-empty string, or null/absent/""."""
    value = payload.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise PayloadError(f"payload.{key}", "not a URI string or null")
    return value


def _cancellation_reason(payload: dict[str, Any]) -> str | None:
    """`payload.cancellation.reason`, bounded; None when Calendly gives none."""
    cancellation = payload.get("cancellation")
    if not isinstance(cancellation, dict):
        return None
    return clip(optional_str(cancellation, "reason"), MAX_REASON_LENGTH)
