"""Changing a user's settings, and proving that a new reminder address is theirs.

Reminders carry contact names and interview details, so an address the user's token does not
prove takes effect only once someone who reads that mailbox clicks the link sent there. A
`PUT /me/settings` with such an address saves every other setting at once, keeps reminders
going to the current address, records the address as pending, and emails it a signed link
(`ConfirmationSender`, through the mailer port). The link's page changes nothing, since mail
scanners follow links; its button's POST makes the address the reminder address if it is still
the one waiting. The link lasts `CONFIRM_EMAIL_WITHIN` (24 hours); asking for another address
replaces the pending one, and its link stops working.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.auth.identity import Identity
from chalicelib.clock import Clock
from chalicelib.domain.user_settings import (
    LinkState,
    PendingEmail,
    SettingsChange,
    UserSettings,
    change_settings,
    link_state,
)
from chalicelib.service.email_links import EmailLink, EmailLinks
from chalicelib.service.settings_writes import Change, change_settings_safely
from chalicelib.service.user_settings_port import PendingEmails, Revision, SettingsRepository


class SettingsChangeError(Exception):
    """Base of this module's errors."""


class ConfirmationNotSentError(SettingsChangeError):
    """The link surely did not leave, so nothing was saved. `refused`: the mail service
    refuses this address (sending again cannot help); otherwise try again later."""

    def __init__(self, message: str, *, refused: bool) -> None:
        super().__init__(message)
        self.refused = refused


class EmailLinksNotConfiguredError(SettingsChangeError):
    """No secret to sign links with: a new address cannot be confirmed here."""


class EmailLinkSupersededError(SettingsChangeError):
    """The link's address is no longer the one waiting (another was asked for since, the
    token's own was chosen, or the request lapsed): it changes nothing."""


class ConfirmationSender(Protocol):
    """Emails the link that proves an address is the user's."""

    def send(self, to: str, link: str, expires_at: datetime) -> None:
        """Sends it, or raises ConfirmationNotSentError when it surely did not leave."""
        ...


@dataclass(frozen=True)
class SettingsView:
    """The settings as saved, and the address change waiting for its link, if any."""

    settings: UserSettings
    pending: PendingEmail | None


@dataclass(frozen=True)
class LinkCheck:
    """A genuine link, and what it would do now."""

    link: EmailLink
    state: LinkState


def _nonce() -> str:
    return secrets.token_urlsafe(12)


class SettingsChanges:
    """`GET|PUT /me/settings` and the confirmation link's page and POST."""

    def __init__(
        self,
        settings: SettingsRepository,
        pending: PendingEmails,
        sender: ConfirmationSender,
        links: EmailLinks | None,
        clock: Clock,
        *,
        new_nonce: Callable[[], str] = _nonce,
    ) -> None:
        self._settings = settings
        self._pending = pending
        self._sender = sender
        self._links = links
        self._clock = clock
        self._new_nonce = new_nonce

    def current(self, tenant_id: str, user_id: str) -> SettingsView:
        # Read through, never from the cache: a screen shows what a save would change.
        saved = self._settings.read(tenant_id, user_id)[0] or UserSettings()
        return SettingsView(saved, self._open_pending(tenant_id, user_id, self._clock.now()))

    def update(
        self, caller: Identity, changes: Mapping[str, object], origin: str | None = None
    ) -> SettingsView:
        """Applies validated `changes`; emails a link first when the address needs one, so a
        link that cannot leave saves nothing. `origin`: the API's URL as the request reached
        it (the link's base when the stage configured none)."""
        tenant_id, user_id, now = caller.tenant_id, caller.user_id, self._clock.now()
        held = self._pending.get(tenant_id, user_id)
        nonce = self._new_nonce()
        outcomes: list[SettingsChange] = []

        def apply(saved: UserSettings | None) -> UserSettings:
            # On what is saved now: re-run, with the same nonce, if another write came first.
            outcomes.append(
                change_settings(
                    saved or UserSettings(),
                    held,
                    changes,
                    token_email=caller.email,
                    now=now,
                    nonce=nonce,
                )
            )
            return outcomes[-1].settings

        first = self._settings.read(tenant_id, user_id)
        apply(first[0])
        self._send_link(tenant_id, user_id, outcomes[0], origin)
        self._saved(tenant_id, user_id, apply, first)
        change = outcomes[-1]
        if change.pending != outcomes[0].pending:
            self._send_link(tenant_id, user_id, change, origin)  # a race changed the request
        if change.pending is None and held is not None:
            self._pending.delete(tenant_id, user_id)
        elif change.pending is not None and change.pending != held:
            self._pending.put(tenant_id, user_id, change.pending)
        return SettingsView(change.settings, change.pending)

    def check(self, token: str) -> LinkCheck:
        """What the link would do, reading only (its page, which mail scanners open too)."""
        return self._check(token, self._clock.now())[0]

    def confirm(self, token: str) -> LinkCheck:
        """Makes the link's address the reminder address, if it is still the one waiting;
        a second click changes nothing more."""
        checked, _ = self._check(token, self._clock.now())
        link = checked.link
        if checked.state is LinkState.SUPERSEDED:
            raise EmailLinkSupersededError("this link was replaced or has lapsed")
        if checked.state is LinkState.CONFIRMABLE:
            self._saved(
                link.tenant_id,
                link.user_id,
                lambda saved: (saved or UserSettings()).model_copy(update={"email": link.email}),
            )
            self._pending.delete(link.tenant_id, link.user_id, link.nonce)
        return LinkCheck(link, LinkState.CONFIRMED)

    def _send_link(
        self, tenant_id: str, user_id: str, change: SettingsChange, origin: str | None
    ) -> None:
        """Emails the change's confirmation link if it needs one; before anything is saved, so
        a link that cannot leave saves nothing."""
        if change.send_link and change.pending is not None:
            link = self._configured().url(tenant_id, user_id, change.pending, origin)
            self._sender.send(change.pending.email, link, change.pending.expires_at)

    def _saved(
        self,
        tenant_id: str,
        user_id: str,
        change: Change,
        first: tuple[UserSettings | None, Revision] | None = None,
    ) -> UserSettings | None:
        return change_settings_safely(self._settings, tenant_id, user_id, change, first=first)

    def _check(self, token: str, now: datetime) -> tuple[LinkCheck, UserSettings]:
        link = self._configured().read(token, now)
        current = self._settings.read(link.tenant_id, link.user_id)[0] or UserSettings()
        pending = self._pending.get(link.tenant_id, link.user_id)
        state = link_state(link.email, link.nonce, current, pending, now)
        return LinkCheck(link, state), current

    def _open_pending(self, tenant_id: str, user_id: str, now: datetime) -> PendingEmail | None:
        pending = self._pending.get(tenant_id, user_id)
        return pending if pending is not None and pending.is_open(now) else None

    def _configured(self) -> EmailLinks:
        if self._links is None:
            raise EmailLinksNotConfiguredError("set UNSUBSCRIBE_SECRET to confirm new addresses")
        return self._links
