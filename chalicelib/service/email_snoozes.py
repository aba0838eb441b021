"""Snoozes from a reminder email's link: what the link would do now, and doing it once.

The link (`snooze_links`) is the only proof of who asks. A snooze is recorded through the same
command the API's `POST /contacts/{id}/events` uses, `ContactCommands.record_step`, so the
domain decides as it always does (`rules.check_allowed`, and `rules.aimed` names the open action
put off: the first open one of the link's action). Nothing is written when:
- the contact is gone (erased, or not the link's user's: it cannot be reached from this link);
- the link's action is no longer open (it was done, or the contact moved on or was set aside);
- the action is already put off (a snooze of it is running, as after this very link's POST),
  or is not due before the snooze would end anyway: a second POST of a link records nothing.
Two POSTs at once carry the same idempotency key, derived from the token: one writes, the
other gets its result (`service/idempotency.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.clock import Clock
from chalicelib.domain import events as ev
from chalicelib.domain.agenda import agenda, snooze_target
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.domain.rules import refusal
from chalicelib.domain.state import ContactState
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action
from chalicelib.eventstore.port import EventStore, StreamId
from chalicelib.service.commands import ContactCommands
from chalicelib.service.errors import ContactNotFoundError, VersionMismatchError
from chalicelib.service.history import state_of
from chalicelib.service.idempotency import IdempotencyRequest
from chalicelib.service.snooze_links import PATH, SnoozeLink, SnoozeLinkError, SnoozeLinks
from chalicelib.service.user_settings_port import SettingsRepository

SNOOZE_FOR = timedelta(days=3)
_KEY_PREFIX = "snooze-link."


class SnoozeLinksNotConfiguredError(Exception):
    """No unsubscribe secret is configured, so no snooze link can be read."""


class SnoozeContactGoneError(Exception):
    """The link's contact is gone: erased, or not (any more) its user's."""


class SnoozeOutdatedError(Exception):
    """The link's action is no longer open for the contact: done, or the contact moved on."""

    def __init__(self, action: Action, contact_name: str) -> None:
        super().__init__(f"there is no “{words(action)}” open for {contact_name} any more")
        self.action = action
        self.contact_name = contact_name


class Standing(StrEnum):
    """Where the link's action stands now."""

    # Due before the snooze would end: a POST puts it off until `until`.
    OPEN = "open"
    # A snooze of it is running (this link's, or another): due again at `until`.
    SNOOZED = "snoozed"
    # Not due before the snooze would end anyway (`until`, its due time): nothing to put off.
    LATER = "later"


@dataclass(frozen=True)
class SnoozeCheck:
    """What the link's action is, for whom, and when it is (or would be) due."""

    link: SnoozeLink
    contact_name: str
    standing: Standing
    until: datetime
    timezone: str


@dataclass(frozen=True)
class LinkHolder:
    """The caller a link proves: its tenant and user, and no address (`commands.Caller`)."""

    tenant_id: str
    user_id: str
    email: str = ""


class EmailSnoozes:
    """Reads snooze links and records their snoozes, each at most once."""

    def __init__(
        self,
        links: SnoozeLinks | None,
        commands: ContactCommands,
        store: EventStore,
        settings: SettingsRepository,
        clock: Clock,
        *,
        membership_ended: Callable[[str, str], bool] | None = None,
    ) -> None:
        self._links = links
        self._commands = commands
        self._store = store
        self._settings = settings
        self._clock = clock
        # A removed member's links end with their membership (None: not checked).
        self._membership_ended = membership_ended

    def check(self, token: str) -> SnoozeCheck:
        """What a POST of this link would do now; writes nothing. Raises `SnoozeLinkError`,
        SnoozeContactGoneError, SnoozeOutdatedError or SnoozeLinksNotConfiguredError."""
        return self._check(self._read(token), self._clock.now())

    def snooze(self, token: str) -> SnoozeCheck:
        """Puts the link's action off `SNOOZE_FOR` from now, unless nothing needs writing
        (see the module); the answer says until when it is put off. Raises as `check`."""
        link = self._read(token)
        now = self._clock.now()
        checked = self._check(link, now)
        if checked.standing is not Standing.OPEN:
            return checked
        until = now + SNOOZE_FOR
        caller = LinkHolder(link.tenant_id, link.user_id)
        try:
            result = self._commands.record_step(
                caller,
                link.contact_id,
                ev.ReminderSnoozed(until=until, action=link.action),
                idempotency=_idempotency(token, link),
            )
        except ContactNotFoundError:
            raise SnoozeContactGoneError(link.contact_id) from None
        except (StepNotAllowedError, VersionMismatchError):
            # The contact changed since it was read (no `If-Match` is sent, so only the domain
            # refuses): the link's step is no longer what it was.
            raise SnoozeOutdatedError(link.action, checked.contact_name) from None
        if result.replayed:
            # The same link posted at the same time: the first POST's snooze is the answer.
            return self._check(link, self._clock.now())
        return SnoozeCheck(link, checked.contact_name, Standing.SNOOZED, until, checked.timezone)

    def _read(self, token: str) -> SnoozeLink:
        if self._links is None:
            raise SnoozeLinksNotConfiguredError("no unsubscribe secret is configured")
        link = self._links.read(token, self._clock.now())
        if self._membership_ended is not None and self._membership_ended(
            link.tenant_id, link.user_id
        ):
            raise SnoozeLinkError("the link's user is no longer a member")
        return link

    def _check(self, link: SnoozeLink, now: datetime) -> SnoozeCheck:
        state = state_of(
            link.contact_id, self._store.load(StreamId(link.tenant_id, link.contact_id)).events
        )
        if not state.exists or state.owner_id != link.user_id:
            raise SnoozeContactGoneError(link.contact_id)
        settings = self._settings.get(link.tenant_id, link.user_id) or UserSettings()
        name = state.name or "your contact"
        target = snooze_target(state, settings, now, link.action)
        if target is None or refusal(state, ev.ReminderSnoozed, now, settings) is not None:
            raise SnoozeOutdatedError(link.action, name)
        running = _running_snooze(state, target.action, target.due_at, now)
        if running is not None:
            return SnoozeCheck(link, name, Standing.SNOOZED, running, settings.timezone)
        due = next(
            (p.due_at for p in agenda(state, settings) if p.action is target.action),
            target.due_at,
        )
        if due >= now + SNOOZE_FOR:
            return SnoozeCheck(link, name, Standing.LATER, due, settings.timezone)
        return SnoozeCheck(link, name, Standing.OPEN, now + SNOOZE_FOR, settings.timezone)


def words(action: Action) -> str:
    """An action as the API's messages name it: `follow up`."""
    return action.value.replace("_", " ")


def _running_snooze(
    state: ContactState, action: Action, due_at: datetime, now: datetime
) -> datetime | None:
    """Until when the planned action (`action`, `due_at`) is put off, if a snooze still runs."""
    for snooze in state.snoozes:
        if (snooze.action, snooze.due_at) == (action, due_at) and snooze.until > now:
            return snooze.until
    return None


def _idempotency(token: str, link: SnoozeLink) -> IdempotencyRequest:
    """One key per link, the same request every time: its POSTs at once record one snooze."""
    key = _KEY_PREFIX + hashlib.sha256(token.encode("utf-8")).hexdigest()[:40]
    body = {"contact_id": link.contact_id, "action": link.action.value}
    return IdempotencyRequest.of(key, "POST", PATH, body)
