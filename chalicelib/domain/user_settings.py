"""A user's reminder settings, with the defaults the guide suggests, and the rules for changing
where reminders go: an address the user's token does not prove waits, as a `PendingEmail`,
until the user clicks the link emailed to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.domain.types import Email, Timestamp, TimeZoneName

# How long a confirmation link works. A day covers a user who checks that mailbox tomorrow
# morning, and keeps short the time a leaked link can point someone's reminders elsewhere.
CONFIRM_EMAIL_WITHIN = timedelta(hours=24)
# Asking again for the same address sends no second email within this time, so a client that
# retries (or someone hammering the endpoint) cannot flood a stranger's mailbox.
RESEND_AFTER = timedelta(minutes=5)


class UserSettings(BaseModel):
    """Where and when reminders go, and how patient follow-ups are."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email | None = None
    timezone: TimeZoneName = "UTC"
    reminder_hour: Annotated[int, Field(ge=0, le=23)] = 9
    reminders_enabled: bool = True
    follow_up_after_business_days: Annotated[int, Field(ge=1, le=30)] = 7
    max_follow_ups: Annotated[int, Field(ge=0, le=5)] = 1


def saved_settings(data: Mapping[str, object]) -> UserSettings:
    """Settings as saved, read under today's rules. An address saved before the email rule
    tightened (one the mailer cannot write) is dropped rather than failing the whole record:
    the user's other settings keep working, reminders pause (there is no address), and the
    next `PUT /me/settings` puts the token's address back."""
    try:
        return UserSettings.model_validate(data)
    except ValidationError as error:
        if any(problem["loc"] != ("email",) for problem in error.errors()):
            raise
        return UserSettings.model_validate({**data, "email": None})


class PendingEmail(BaseModel):
    """An address the user asked reminders to go to, not proven theirs yet. Its `nonce` is in
    the link emailed there: asking for another address replaces it, so that link stops working."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email
    nonce: str = Field(min_length=1, max_length=64)
    requested_at: Timestamp

    @property
    def expires_at(self) -> datetime:
        return self.requested_at + CONFIRM_EMAIL_WITHIN

    def is_open(self, now: datetime) -> bool:
        return now < self.expires_at


def same_address(a: str, b: str) -> bool:
    """Whether two addresses name one mailbox as far as we may assume: domains are
    case-insensitive (RFC 5321), local parts are not."""
    local_a, _, domain_a = a.rpartition("@")
    local_b, _, domain_b = b.rpartition("@")
    return local_a == local_b and domain_a.lower() == domain_b.lower()


@dataclass(frozen=True)
class SettingsChange:
    """What one update does: the settings to save, the address change waiting for its link
    afterwards, and whether a (new) link must be emailed to it."""

    settings: UserSettings
    pending: PendingEmail | None
    send_link: bool = False


def change_settings(
    current: UserSettings,
    pending: PendingEmail | None,
    changes: Mapping[str, object],
    *,
    token_email: str,
    now: datetime,
    nonce: str,
) -> SettingsChange:
    """Applies `changes` (validated fields, the omitted ones keep their value). The token's own
    address (or `email: null`, which means it) applies at once and drops a pending change; the
    current address changes nothing; any other address waits for its link, and reminders keep
    going to the current one meanwhile."""
    pending = pending if pending is not None and pending.is_open(now) else None
    requested = changes.get("email", current.email)
    rest = {name: value for name, value in changes.items() if name != "email"}
    merged = UserSettings.model_validate(current.model_dump() | rest)
    if "email" in changes and (requested is None or same_address(str(requested), token_email)):
        return SettingsChange(merged.model_copy(update={"email": requested or token_email}), None)
    if merged.email is None:
        # Reminders outlive the token: keep the address it proves unless the user gave another.
        merged = merged.model_copy(update={"email": token_email})
    if requested is None or same_address(str(requested), str(merged.email)):
        return SettingsChange(merged, pending)
    if pending is not None and same_address(pending.email, str(requested)):
        if now - pending.requested_at < RESEND_AFTER:
            return SettingsChange(merged, pending)
        # The same request again: a fresh link, and the earlier one keeps working too.
        return SettingsChange(merged, pending.model_copy(update={"requested_at": now}), True)
    asked = PendingEmail(email=str(requested), nonce=nonce, requested_at=now)
    return SettingsChange(merged, asked, True)


class LinkState(StrEnum):
    """What a confirmation link would do now."""

    # Its address is the pending one: confirming makes it the reminder address.
    CONFIRMABLE = "confirmable"
    # Its address is the reminder address already (a second click, or set otherwise).
    CONFIRMED = "confirmed"
    # Replaced by a newer request, dropped, or lapsed: it must not change anything.
    SUPERSEDED = "superseded"


def link_state(
    email: str, nonce: str, current: UserSettings, pending: PendingEmail | None, now: datetime
) -> LinkState:
    """Whether the link for `email` (with `nonce`) may still change where reminders go."""
    if current.email is not None and same_address(current.email, email):
        return LinkState.CONFIRMED
    if (
        pending is not None
        and pending.is_open(now)
        and pending.nonce == nonce
        and same_address(pending.email, email)
    ):
        return LinkState.CONFIRMABLE
    return LinkState.SUPERSEDED
