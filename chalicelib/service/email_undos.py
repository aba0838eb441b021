"""Undo links from Rapport's answers to replies: what the link would take back now, and
taking it back once.

The link (`undo_links`) is the only proof of who asks. The undo is `step_retracted`, recorded
through the same command the API's `POST /contacts/{id}/events` uses, with `If-Match` set to the
contact's version as checked: it retracts that step only while it is still the latest step not
undone (a `reminder_sent` after it is no step). Two POSTs at once carry one idempotency key
(derived from the token): one writes, the other gets its result, and any later POST finds the
step retracted already.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from chalicelib.clock import Clock
from chalicelib.domain import events as ev
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.eventstore.port import EventStore, StreamId
from chalicelib.service.commands import ContactCommands
from chalicelib.service.email_snoozes import LinkHolder
from chalicelib.service.errors import ContactNotFoundError, VersionMismatchError
from chalicelib.service.history import state_of
from chalicelib.service.idempotency import IdempotencyRequest
from chalicelib.service.undo_links import PATH, UndoLink, UndoLinkError, UndoLinks

_KEY_PREFIX = "undo-link."
REASON = "undone from Rapport's email"


class UndoLinksNotConfiguredError(Exception):
    """No unsubscribe secret is configured, so no undo link can be read."""


class UndoContactGoneError(Exception):
    """The link's contact is gone: erased, or not (any more) its user's."""


class Standing(StrEnum):
    # The step is still the contact's latest: a POST takes it back.
    OPEN = "open"
    # It was taken back already (by this link, or otherwise).
    UNDONE = "undone"
    # Something happened after it: undoing now would take back the wrong step.
    CHANGED = "changed"


@dataclass(frozen=True)
class UndoCheck:
    link: UndoLink
    contact_name: str
    step: str  # the event type at the link's version
    standing: Standing
    version: int = 0  # the contact's version when checked: the undo's `If-Match`


class EmailUndos:
    def __init__(
        self,
        links: UndoLinks | None,
        commands: ContactCommands,
        store: EventStore,
        clock: Clock,
        *,
        membership_ended: Callable[[str, str], bool] | None = None,
    ) -> None:
        self._links = links
        self._commands = commands
        self._store = store
        self._clock = clock
        # A removed member's links end with their membership (None: not checked).
        self._membership_ended = membership_ended

    def check(self, token: str) -> UndoCheck:
        """What a POST of this link would do now; writes nothing. Raises `UndoLinkError`,
        UndoContactGoneError or UndoLinksNotConfiguredError."""
        return self._check(self._read(token))

    def undo(self, token: str) -> UndoCheck:
        """Retracts the link's step if it is still the contact's latest; the answer says
        where it stands afterwards."""
        link = self._read(token)
        checked = self._check(link)
        if checked.standing is not Standing.OPEN:
            return checked
        try:
            self._commands.record_step(
                LinkHolder(link.tenant_id, link.user_id),
                link.contact_id,
                ev.StepRetracted(reason=REASON),
                if_match=checked.version,
                idempotency=_idempotency(token, link),
            )
        except ContactNotFoundError:
            raise UndoContactGoneError(link.contact_id) from None
        except (StepNotAllowedError, VersionMismatchError):
            pass  # another change won: the check below says which
        return self._check(link)

    def _read(self, token: str) -> UndoLink:
        if self._links is None:
            raise UndoLinksNotConfiguredError("no unsubscribe secret is configured")
        link = self._links.read(token, self._clock.now())
        if self._membership_ended is not None and self._membership_ended(
            link.tenant_id, link.user_id
        ):
            raise UndoLinkError("the link's user is no longer a member")
        return link

    def _check(self, link: UndoLink) -> UndoCheck:
        events = self._store.load(StreamId(link.tenant_id, link.contact_id)).events
        state = state_of(link.contact_id, events)
        if not state.exists or state.owner_id != link.user_id:
            raise UndoContactGoneError(link.contact_id)
        at = next((event for event in events if event.version == link.version), None)
        if at is None:
            raise UndoContactGoneError(link.contact_id)
        name = state.name or "your contact"
        if link.version in state.retracted:
            standing = Standing.UNDONE
        elif state.step_version == link.version:
            # Still the latest step not undone (a `reminder_sent` after it is no step).
            standing = Standing.OPEN
        else:
            standing = Standing.CHANGED
        return UndoCheck(link, name, at.type, standing, state.version)


def step_words(event_type: str) -> str:
    """`thank_you_sent` as a person says it: "thank you sent"."""
    return event_type.replace("_", " ")


def _idempotency(token: str, link: UndoLink) -> IdempotencyRequest:
    key = _KEY_PREFIX + hashlib.sha256(token.encode("utf-8")).hexdigest()[:40]
    body = {"contact_id": link.contact_id, "version": link.version}
    return IdempotencyRequest.of(key, "POST", PATH, body)
