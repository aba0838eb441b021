"""Cal.com webhook deliveries as `Booking`s.

A delivery is `{"triggerEvent", "createdAt", "payload"}`; for booking triggers `payload` is the
booking (`uid`, `startTime`, `endTime`, `attendees`, `organizer`, `location`, ...). Unlike
Calendly, Cal.com reports a reschedule as a single BOOKING_RESCHEDULED delivery (its `uid` is the
new booking's, `rescheduleUid` the old one's), so each trigger maps to one kind:

- BOOKING_CREATED -> CREATED, BOOKING_RESCHEDULED -> RESCHEDULED,
  BOOKING_CANCELLED -> CANCELLED (with `cancellationReason`);
- anything else -> IGNORED, notably the "Ping test" Cal.com sends when a webhook is saved,
  whose `triggerEvent` is PING and whose sample booking has no `uid`.

The invitee is the first attendee: a Rapport conversation has one other person, and Cal.com
lists the booker first (guests follow).
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
    duration_minutes,
    get_email,
    get_object,
    get_str,
    get_time,
    load_object,
    optional_str,
)

PROVIDER = "calcom"
KINDS = {
    "BOOKING_CREATED": BookingKind.CREATED,
    "BOOKING_RESCHEDULED": BookingKind.RESCHEDULED,
    "BOOKING_CANCELLED": BookingKind.CANCELLED,
}
# Cal.com's uids are short (~22 characters); anything much longer is hashed to keep keys bounded.
_MAX_UID_LENGTH = 100
_MAX_TRIGGER_LENGTH = 64
# Cal.com names built-in conferencing apps (`integrations:daily`, `integrations:zoom`) as the
# location; the joinable link is then in `metadata.videoCallUrl`.
_INTEGRATION_PREFIX = "integrations:"


def parse_calcom(raw_body: bytes) -> Booking:
    """The `Booking` a verified Cal.com delivery means; `PayloadError` if it is malformed.

    Call only after `verify_calcom` has accepted the same bytes.
    """
    document = load_object(raw_body)
    trigger = get_str(document, ROOT, "triggerEvent").strip()
    kind = KINDS.get(trigger)
    if kind is None:
        return _ignored(document, trigger, raw_body)

    payload = get_object(document, ROOT, "payload")
    uid = get_str(payload, "payload", "uid").strip()
    attendee = _first_attendee(payload)
    starts_at = get_time(payload, "payload", "startTime")
    ends_at = get_time(payload, "payload", "endTime")
    reason = None
    if kind is BookingKind.CANCELLED:
        reason = clip(optional_str(payload, "cancellationReason"), MAX_REASON_LENGTH)
    return Booking(
        provider=PROVIDER,
        kind=kind,
        delivery_key=f"calcom:{trigger}:{bounded(uid, _MAX_UID_LENGTH)}",
        invitee_email=get_email(attendee, "payload.attendees[0]", "email"),
        invitee_name=clip(optional_str(attendee, "name"), MAX_NAME_LENGTH),
        starts_at=starts_at,
        duration_minutes=duration_minutes(starts_at, ends_at, "payload.endTime"),
        location=clip(_location(payload), MAX_LOCATION_LENGTH),
        reason=reason,
    )


def _ignored(document: dict[str, Any], trigger: str, raw_body: bytes) -> Booking:
    """An IGNORED booking for a trigger Rapport does not act on.

    Keyed on `payload.uid` when there is one, else on the whole body (the ping has no uid, and
    each ping's `createdAt` differs, so pings never collide).
    """
    name = bounded(trigger, _MAX_TRIGGER_LENGTH)
    payload = document.get("payload")
    uid = payload.get("uid") if isinstance(payload, dict) else None
    if isinstance(uid, str) and uid.strip():
        identity = bounded(uid.strip(), _MAX_UID_LENGTH)
    else:
        identity = body_digest(raw_body)
    return Booking(
        provider=PROVIDER,
        kind=BookingKind.IGNORED,
        delivery_key=f"calcom:{name}:{identity}",
        ignored_because=f"Cal.com trigger {name!r} is not a booking change",
    )


def _first_attendee(payload: dict[str, Any]) -> dict[str, Any]:
    """`payload.attendees[0]`, which must exist: a booking without an attendee is no booking."""
    attendees = payload.get("attendees")
    if not isinstance(attendees, list) or not attendees:
        raise PayloadError("payload.attendees", "missing, not a list, or empty")
    first = attendees[0]
    if not isinstance(first, dict):
        raise PayloadError("payload.attendees[0]", "not an object")
    return first


def _location(payload: dict[str, Any]) -> str | None:
    """The meeting link when Cal.com hosts the call, else the location as given."""
    location = optional_str(payload, "location")
    metadata = payload.get("metadata")
    if (location is None or location.startswith(_INTEGRATION_PREFIX)) and isinstance(
        metadata, dict
    ):
        return optional_str(metadata, "videoCallUrl") or location
    return location
