"""An admin removes a member: their access ends, they get their data, and 30 days later it goes.

Removal emails the member the export `GET /me/export` would give them (JSON, attached), turns
their reminders off, and marks them removed, due for erasure at `removed_at + 30 days`; the
authorizer refuses them from then on (`membership.py`). The erasure job (`erase_due`, run by a
schedule) erases each of their contacts as `DELETE /contacts/{id}` does, drops the reminder
address from their settings, and leaves only their id, so their old tokens stay refused.
Every step is idempotent: an overlapping or retried run finishes what another started.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from chalicelib.auth.identity import Identity
from chalicelib.clock import Clock
from chalicelib.domain.user_settings import UserSettings
from chalicelib.service.erasure import ErasureService
from chalicelib.service.errors import ContactNotFoundError, ServiceError
from chalicelib.service.export import ExportService
from chalicelib.service.invitations import ForbiddenError
from chalicelib.service.membership import Membership
from chalicelib.service.settings_writes import change_settings_safely
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.tenancy.model import DueErasure, Member
from chalicelib.tenancy.port import TenancyStore
from chalicelib.viewstore.port import ViewStore

ERASURES_PER_RUN = 50


class MemberNotFoundError(ServiceError):
    """No active member of the caller's tenant has this id."""


class RemovingSelfError(ServiceError):
    """An admin cannot remove themselves (a tenant could be left with no admin)."""


class ExportNotSentError(ServiceError):
    """The export email could not leave now: nothing was changed, try again."""


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
        membership: Membership,
        clock: Clock,
    ) -> None:
        self._store = store
        self._exports = exports
        self._sender = sender
        self._erasure = erasure
        self._views = views
        self._settings = settings
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
        if not member.active:
            return member  # removed already (a retried DELETE): nothing again, no second email
        former = _Former(member.tenant_id, member.user_id, member.email)
        removed = member.removed(self._clock.now())
        # The export first: if it cannot leave, nothing has changed and the admin retries.
        self._sender.send(removed, self._exports.export(former))
        if not self._store.remove(removed):
            raise MemberNotFoundError(user_id)  # removed meanwhile, by another admin
        change_settings_safely(self._settings, member.tenant_id, member.user_id, _silenced)
        self._membership.forget(member.tenant_id, member.user_id)
        return removed

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
