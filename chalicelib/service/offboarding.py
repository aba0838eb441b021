"""An admin removes a member: their access ends, they get their data, and 30 days later it goes.

Removal marks the member removed, due for erasure at `removed_at + 30 days` (one conditional
write: of two admins at once, one removes), turns their reminders off, and then emails them the
export `GET /me/export` would give them (JSON, attached), once: the export stays pending until
it has left, and only the request that claims it sends it (`TenancyStore.claim_export`), so a
retried or concurrent DELETE sends it only if it has not gone; one that could not leave is sent
by the hourly job (`send_pending_exports`) until the erasure. The authorizer refuses the member
from the removal on (`membership.py`). The erasure job (`erase_due`) erases each of their
contacts as `DELETE /contacts/{id}` does, drops the reminder address from their settings and
their webhook and feed secrets, and leaves only their id, so their old tokens stay refused.
Every step is idempotent: an overlapping or retried run finishes what another started.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from chalicelib.auth.identity import Identity
from chalicelib.clock import Clock
from chalicelib.domain.user_settings import UserSettings
from chalicelib.integrations.port import IntegrationsStore
from chalicelib.service.erasure import ErasureService
from chalicelib.service.errors import ContactNotFoundError
from chalicelib.service.export import ExportService
from chalicelib.service.membership import Membership
from chalicelib.service.settings_writes import change_settings_safely
from chalicelib.service.tenancy_errors import (
    ExportNotSentError,
    ForbiddenError,
    MemberNotFoundError,
    RemovingSelfError,
)
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.telemetry import count, logger
from chalicelib.tenancy.model import DueErasure, Member, MemberStatus
from chalicelib.tenancy.port import TenancyStore
from chalicelib.viewstore.port import ViewStore

ERASURES_PER_RUN = 50


class ExportSender(Protocol):
    def send(self, member: Member, export: dict[str, Any]) -> None:
        """Emails the member (as removed) their export; ExportNotSentError when it cannot
        leave now."""
        ...


@dataclass(frozen=True)
class _Former:
    """A removed member, as the export and the erasure ask who owns the data."""

    tenant_id: str
    user_id: str
    email: str


class Offboarding:
    def __init__(
        self,
        *,
        store: TenancyStore,
        exports: ExportService,
        sender: ExportSender,
        erasure: ErasureService,
        views: ViewStore,
        settings: SettingsRepository,
        integrations: IntegrationsStore,
        membership: Membership,
        clock: Clock,
    ) -> None:
        self._store = store
        self._exports = exports
        self._sender = sender
        self._erasure = erasure
        self._views = views
        self._settings = settings
        self._integrations = integrations
        self._membership = membership
        self._clock = clock

    def remove(self, caller: Identity, user_id: str) -> Member:
        """Admins only. The member, as removed; MemberNotFoundError when the tenant has no
        member of this id."""
        if not caller.is_admin:
            raise ForbiddenError("only admins remove members")
        if user_id == caller.user_id:
            raise RemovingSelfError(user_id)
        member = self._store.member(caller.tenant_id, user_id)
        if member is None:
            raise MemberNotFoundError(user_id)
        if member.active:
            removed = member.removed(self._clock.now())
            if self._store.remove(removed):
                change_settings_safely(self._settings, member.tenant_id, member.user_id, _silenced)
                self._membership.forget(member.tenant_id, member.user_id)
                member = removed
            else:  # removed meanwhile, by another admin: theirs is the removal
                member = self._store.member(caller.tenant_id, user_id) or removed
        if member.status is MemberStatus.REMOVED and member.export_pending:
            self._send_export(member)
        return member

    def _send_export(self, member: Member) -> bool:
        """Sends the pending export once: only the claim's holder sends; one that cannot send
        gives the claim back, so the admin's retry or the next hourly run sends it. Whether
        this call sent it."""
        if not self._store.claim_export(member, self._clock.now()):
            return False  # sent already, or being sent by another request
        former = _Former(member.tenant_id, member.user_id, member.email)
        try:
            self._sender.send(member, self._exports.export(former))
        except BaseException:
            self._store.finish_export(member, sent=False)
            raise
        self._store.finish_export(member, sent=True)
        return True

    def send_pending_exports(self, limit: int = ERASURES_PER_RUN) -> int:
        """Sends the exports a removal could not send (SES refused or throttled it, or the
        request died): the removed member is no longer listed, so no admin would retry it.
        Run hourly by the erasure job, until the erasure; how many were sent now."""
        sent = 0
        for pending in self._store.pending_exports(limit):
            member = self._store.member(pending.tenant_id, pending.user_id)
            if member is None or not member.export_pending:
                if member is not None:  # sent, and its entry left over: tidy it
                    self._store.finish_export(member, sent=True)
                continue
            try:
                sent += self._send_export(member)
            except ExportNotSentError as error:
                logger.warning(
                    "a removed member's export still cannot leave",
                    extra={"tenant_id": member.tenant_id, "why": str(error)},
                )
                count("ExportNotSent")
        return sent

    def erase_due(self, limit: int = ERASURES_PER_RUN) -> int:
        """Erases the members whose 30 days are over; how many were erased."""
        due = self._store.due_erasures(self._clock.now(), limit)
        for entry in due:
            self._erase(entry)
        return len(due)

    def _erase(self, due: DueErasure) -> None:
        former = _Former(due.tenant_id, due.user_id, "")
        for contact_id, view in sorted(self._views.user_views(due.tenant_id, due.user_id).items()):
            if view.erased:
                continue
            try:
                self._erasure.erase(former, contact_id)
            except ContactNotFoundError:
                continue  # erased meanwhile (an overlapping run)
        change_settings_safely(self._settings, due.tenant_id, due.user_id, _forgotten)
        self._integrations.delete(due.tenant_id, due.user_id)
        self._store.mark_erased(due)


def _silenced(current: UserSettings | None) -> UserSettings | None:
    """No more reminders for a removed member."""
    settings = current or UserSettings()
    if not settings.reminders_enabled:
        return None
    return settings.model_copy(update={"reminders_enabled": False})


def _forgotten(current: UserSettings | None) -> UserSettings | None:
    """The settings without the member's address (only a saved one needs saving again)."""
    if current is None or (current.email is None and not current.reminders_enabled):
        return None
    return current.model_copy(update={"email": None, "reminders_enabled": False})
