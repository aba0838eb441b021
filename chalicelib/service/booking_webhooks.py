"""Calendly and Cal.com deliveries, turned into the same steps the API records.

Order matters and is fixed: find the hook's owner (unknown: 404), check the signature on the
raw bytes with the owner's secret (401, before any parsing), parse (400), then record through
`ContactCommands` with the delivery's own key as the `Idempotency-Key`, so a redelivery replays
the first answer and writes nothing. A booking the contact's state does not allow, or one that
names nobody Rapport knows, is answered 200 and only logged: a provider retries anything else,
and Calendly deletes a subscription that answers 410, so none is ever sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from chalicelib.clock import Clock
from chalicelib.domain import events as ev
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.domain.vocabulary import Status
from chalicelib.eventstore.port import EventStore, StreamId
from chalicelib.integrations.owner_tokens import Owner
from chalicelib.service.commands import ContactCommands
from chalicelib.service.errors import (
    ContactNotFoundError,
    IdempotencyKeyReusedError,
    VersionMismatchError,
)
from chalicelib.service.idempotency import IdempotencyRequest, contact_id_for_key
from chalicelib.service.integrations import IntegrationsService
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.telemetry import count, logger
from chalicelib.viewstore.model import ContactView
from chalicelib.viewstore.port import ViewStore
from chalicelib.webhooks.bookings import Booking, BookingKind, PayloadError
from chalicelib.webhooks.signatures import SignatureError

# Where a booking may land, best first: a contact being reached or already booked.
_BOOKABLE = (Status.SCHEDULED, Status.REACHING_OUT, Status.IDENTIFIED)


class UnknownHookError(Exception):
    """No user has this webhook URL (a 404)."""


class DeliveryRefusedError(Exception):
    """A delivery that is not the provider's: no secret set, or a missing, wrong or stale
    signature (a 401 that writes nothing)."""


class DeliveryPayloadError(Exception):
    """A signed delivery whose body is not the provider's format (a 400 naming the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Delivered:
    """What a delivery did: the step it recorded, or why it recorded none."""

    recorded: dict[str, Any] | None = None
    ignored: str | None = None

    def body(self) -> dict[str, Any]:
        return {"recorded": self.recorded, "ignored": self.ignored}


@dataclass(frozen=True)
class _Owner:
    """The hook's owner as a command's caller (the Caller protocol); no token, so the address
    reminders go to is the saved one."""

    tenant_id: str
    user_id: str
    email: str


Verify = Callable[[str | None, bytes, str], None]
Parse = Callable[[bytes], Booking]


class BookingWebhooks:
    def __init__(
        self,
        integrations: IntegrationsService,
        commands: ContactCommands,
        store: EventStore,
        views: ViewStore,
        settings: SettingsRepository,
        clock: Clock,
    ) -> None:
        self._integrations = integrations
        self._commands = commands
        self._store = store
        self._views = views
        self._settings = settings
        self._clock = clock

    def deliver(
        self,
        provider: str,
        hook_id: str,
        signature: str | None,
        raw_body: bytes,
        verify: Verify,
        parse: Parse,
    ) -> Delivered:
        hook = self._integrations.hook_owner(provider, hook_id)
        if hook is None:
            raise UnknownHookError(hook_id)
        if hook.secret is None:
            raise DeliveryRefusedError(f"no {provider} signing secret is set for this webhook")
        try:
            verify(signature, raw_body, hook.secret)
        except SignatureError as error:
            count("WebhooksRefused", provider=provider)
            raise DeliveryRefusedError(str(error)) from None
        try:
            booking = parse(raw_body)
        except PayloadError as error:
            raise DeliveryPayloadError(error.field, str(error)) from None
        delivered = self._record(hook.owner, booking)
        count("WebhooksAccepted", provider=provider, kind=booking.kind.value)
        if delivered.ignored:
            logger.info(
                "webhook delivery recorded nothing",
                extra={"provider": provider, "kind": booking.kind.value, "why": delivered.ignored},
            )
        return delivered

    def _record(self, owner: Owner, booking: Booking) -> Delivered:
        if booking.kind is BookingKind.IGNORED:
            return Delivered(ignored=booking.ignored_because or "not a booking change")
        if booking.invitee_email is None:
            return Delivered(ignored="the booking names no invitee email")
        saved = self._settings.get(owner.tenant_id, owner.user_id)
        caller = _Owner(owner.tenant_id, owner.user_id, (saved.email if saved else None) or "")
        view = self._contact(owner, booking.invitee_email)
        contact_id = view.contact_id if view else self._booked_contact(caller, booking)
        if contact_id is None:
            if booking.kind is not BookingKind.CREATED:
                return Delivered(ignored="no contact of yours has the invitee's email")
            contact_id = self._new_contact(caller, booking)
        status = view.status if view else None
        step = _step(booking, status)
        key = IdempotencyRequest.of(
            booking.delivery_key, "POST", f"/webhooks/{booking.provider}", step.to_data()
        )
        try:
            result = self._commands.record_step(caller, contact_id, step, idempotency=key)
        except StepNotAllowedError as error:
            return Delivered(ignored=f"{step.event_type} not recorded: {error}")
        except ContactNotFoundError:
            return Delivered(ignored="no contact of yours has the invitee's email")
        except IdempotencyKeyReusedError:
            return Delivered(ignored="this delivery was already recorded")
        except VersionMismatchError:  # no If-Match is sent: kept for the type's sake
            return Delivered(ignored="the contact changed meanwhile")
        return Delivered(
            recorded={
                "contact_id": result.contact_id,
                "event_type": result.event.type,
                "version": result.version,
                "replayed": result.replayed,
            }
        )

    def _contact(self, owner: Owner, email: str) -> ContactView | None:
        """The user's contact with this email (case-insensitive): one that can take a booking
        first, then the most recently changed."""
        matches = [
            view
            for view in self._views.user_views(owner.tenant_id, owner.user_id).values()
            if not view.erased
            and view.status is not None
            and str(view.public.get("email") or "").casefold() == email.casefold()
        ]
        if not matches:
            return None

        def rank(view: ContactView) -> tuple[int, float]:
            place = _BOOKABLE.index(view.status) if view.status in _BOOKABLE else len(_BOOKABLE)
            changed = view.updated_at.timestamp() if view.updated_at else 0.0
            return (place, -changed)

        return min(matches, key=rank)

    def _booked_contact(self, caller: _Owner, booking: Booking) -> str | None:
        """The contact an earlier delivery of this same booking created, when the read side
        has not caught up with it yet (a cancellation seconds after the booking)."""
        if booking.kind is BookingKind.CREATED:
            return None
        contact_id = contact_id_for_key(caller.tenant_id, caller.user_id, _contact_key(booking))
        stream = StreamId(caller.tenant_id, contact_id)
        return contact_id if self._store.started([stream]) else None

    def _new_contact(self, caller: _Owner, booking: Booking) -> str:
        email = booking.invitee_email or ""
        name = (booking.invitee_name or email.split("@")[0] or email)[:200]
        try:
            details = ev.ContactAdded(name=name, email=email)
        except ValidationError as error:
            field = str(error.errors()[0]["loc"][0]) if error.errors() else "email"
            raise DeliveryPayloadError(f"invitee.{field}", "not a valid invitee") from None
        request = IdempotencyRequest.of(
            _contact_key(booking), "POST", "/contacts", details.to_data()
        )
        result = self._commands.add_contact(caller, details, request)
        return str(result.contact["contact_id"])


def _contact_key(booking: Booking) -> str:
    """One key per booking (not per delivery): its created and cancelled deliveries share it."""
    provider, _, rest = booking.delivery_key.partition(":")
    return f"{provider}:booking:{rest.partition(':')[2]}:contact"


def _step(booking: Booking, status: Status | None) -> ev.EventData:
    assert booking.kind is not BookingKind.IGNORED
    if booking.kind is BookingKind.CANCELLED:
        return ev.InterviewCancelled(reason=booking.reason)
    if booking.starts_at is None:
        raise DeliveryPayloadError("starts_at", "the booking has no start time")
    fields: dict[str, Any] = {"starts_at": booking.starts_at, "location": booking.location}
    if booking.duration_minutes is not None:
        fields["duration_minutes"] = booking.duration_minutes
    # A new time for a booked interview; a first booking when the contact had none (a
    # reschedule of a booking made before the webhook was connected, say).
    if booking.kind is BookingKind.RESCHEDULED and status is Status.SCHEDULED:
        return ev.InterviewRescheduled(**fields)
    return ev.InterviewScheduled(**fields)
