"""Where invitations and members are kept, and the in-memory store the unit tests use.

Every read is on the tenant's key, except `due_erasures`: the erasure job's due index, which
holds only ids and dates, read by the scheduled job alone (like the reminders' due index).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from chalicelib.tenancy.model import (
    EXPORT_CLAIM_LAPSES,
    DueErasure,
    Invite,
    InviteStatus,
    Member,
    MemberStatus,
    PendingExport,
    invite_key,
)


class InviteTakenError(Exception):
    """The invitation was used, revoked or replaced meanwhile, or the user already exists."""


class TenancyStore(Protocol):
    def put_invites(self, invites: Sequence[Invite]) -> None:
        """Saves each invitation, replacing the one its address had (so its old link stops)."""
        ...

    def invite(self, tenant_id: str, key: str) -> Invite | None:
        """The invitation stored under `key`, read consistently."""
        ...

    def invites(self, tenant_id: str) -> list[Invite]:
        """Every stored invitation of the tenant, whatever its status."""
        ...

    def revoke(self, tenant_id: str, key: str, invite_id: str) -> bool:
        """Revokes the invitation if it is still `invite_id` and pending; whether it did."""
        ...

    def accept(self, invite: Invite, member: Member) -> None:
        """Marks `invite` used and saves the new `member`, both or neither: InviteTakenError
        when the invitation is no longer this pending one or the member exists."""
        ...

    def member(self, tenant_id: str, user_id: str) -> Member | None: ...

    def register(self, member: Member) -> Member:
        """Saves `member` unless the user is known; returns the stored member either way."""
        ...

    def members(self, tenant_id: str) -> list[Member]:
        """Every member record of the tenant (removed and erased ones included)."""
        ...

    def set_sharing(self, member: Member, sharing: bool) -> Member | None:
        """Sets the member's consent (registering `member` first if unknown); None when the
        user was removed."""
        ...

    def remove(self, removed: Member) -> bool:
        """Saves the member as removed and due for erasure, if they were active; whether so."""
        ...

    def claim_export(self, member: Member, now: datetime) -> bool:
        """Claims the sending of a removed member's pending export: true for one caller only
        (until `EXPORT_CLAIM_LAPSES` after `now`, when an unfinished claim lapses)."""
        ...

    def finish_export(self, member: Member, *, sent: bool) -> None:
        """Ends the claim: `sent`, the export is no longer pending; else it may be claimed at
        once again (the mail could not leave)."""
        ...

    def pending_exports(self, limit: int) -> list[PendingExport]:
        """Removed members whose export has not left, earliest removal first: the erasure
        job's second due index (ids and a date only, like `due_erasures`)."""
        ...

    def due_erasures(self, now: datetime, limit: int) -> list[DueErasure]:
        """Removed members whose `erase_at` has come, earliest first."""
        ...

    def mark_erased(self, due: DueErasure) -> None:
        """Drops what is left of the member but their id (their tokens stay refused), their
        invitation, and the due entry. Idempotent."""
        ...


class InMemoryTenancyStore:
    """Invitations and members in dicts (unit tests, the bench)."""

    def __init__(self) -> None:
        self._invites: dict[tuple[str, str], Invite] = {}
        self._members: dict[tuple[str, str], Member] = {}
        # When each running export claim lapses.
        self._export_claims: dict[tuple[str, str], datetime] = {}
        self._pending: dict[tuple[str, str], PendingExport] = {}
        self._due: dict[tuple[str, str], DueErasure] = {}
        self._lock = threading.Lock()

    def put_invites(self, invites: Sequence[Invite]) -> None:
        with self._lock:
            for invite in invites:
                self._invites[(invite.tenant_id, invite.key)] = invite

    def invite(self, tenant_id: str, key: str) -> Invite | None:
        return self._invites.get((tenant_id, key))

    def invites(self, tenant_id: str) -> list[Invite]:
        return [invite for (tenant, _), invite in self._invites.items() if tenant == tenant_id]

    def revoke(self, tenant_id: str, key: str, invite_id: str) -> bool:
        with self._lock:
            found = self._invites.get((tenant_id, key))
            if found is None or found.invite_id != invite_id:
                return False
            if found.status is not InviteStatus.PENDING:
                return False
            self._invites[(tenant_id, key)] = replace(found, status=InviteStatus.REVOKED)
            return True

    def accept(self, invite: Invite, member: Member) -> None:
        with self._lock:
            found = self._invites.get((invite.tenant_id, invite.key))
            if (
                found is None
                or found.invite_id != invite.invite_id
                or found.status is not InviteStatus.PENDING
                or (member.tenant_id, member.user_id) in self._members
            ):
                raise InviteTakenError("the invitation was used, revoked or replaced")
            self._invites[(invite.tenant_id, invite.key)] = replace(found, status=InviteStatus.USED)
            self._members[(member.tenant_id, member.user_id)] = member

    def member(self, tenant_id: str, user_id: str) -> Member | None:
        return self._members.get((tenant_id, user_id))

    def register(self, member: Member) -> Member:
        with self._lock:
            return self._members.setdefault((member.tenant_id, member.user_id), member)

    def members(self, tenant_id: str) -> list[Member]:
        return [member for (tenant, _), member in self._members.items() if tenant == tenant_id]

    def set_sharing(self, member: Member, sharing: bool) -> Member | None:
        with self._lock:
            key = (member.tenant_id, member.user_id)
            found = self._members.get(key, member)
            if not found.active:
                return None
            self._members[key] = replace(found, sharing=sharing)
            return self._members[key]

    def remove(self, removed: Member) -> bool:
        with self._lock:
            key = (removed.tenant_id, removed.user_id)
            found = self._members.get(key)
            if found is None or not found.active or removed.erase_at is None:
                return False
            self._members[key] = removed
            self._due[key] = DueErasure(removed.tenant_id, removed.user_id, removed.erase_at)
            if removed.export_pending and removed.removed_at is not None:
                self._pending[key] = PendingExport(*key, removed.removed_at)
            return True

    def claim_export(self, member: Member, now: datetime) -> bool:
        with self._lock:
            key = (member.tenant_id, member.user_id)
            found = self._members.get(key)
            if found is None or found.status is not MemberStatus.REMOVED:
                return False
            claimed = self._export_claims.get(key)
            if not found.export_pending or (claimed is not None and claimed > now):
                return False
            self._export_claims[key] = now + EXPORT_CLAIM_LAPSES
            return True

    def finish_export(self, member: Member, *, sent: bool) -> None:
        with self._lock:
            key = (member.tenant_id, member.user_id)
            self._export_claims.pop(key, None)
            found = self._members.get(key)
            if sent and found is not None:
                self._members[key] = replace(found, export_pending=False)
            if sent:
                self._pending.pop(key, None)

    def pending_exports(self, limit: int) -> list[PendingExport]:
        pending = sorted(
            self._pending.values(), key=lambda p: (p.removed_at, p.tenant_id, p.user_id)
        )
        return pending[:limit]

    def due_erasures(self, now: datetime, limit: int) -> list[DueErasure]:
        due = sorted(
            (entry for entry in self._due.values() if entry.erase_at <= now),
            key=lambda entry: (entry.erase_at, entry.tenant_id, entry.user_id),
        )
        return due[:limit]

    def mark_erased(self, due: DueErasure) -> None:
        with self._lock:
            key = (due.tenant_id, due.user_id)
            found = self._members.get(key)
            if found is not None:
                self._invites.pop((due.tenant_id, invite_key(found.email)), None)
                self._members[key] = replace(
                    found,
                    email="",
                    roles=frozenset(),
                    status=MemberStatus.ERASED,
                    export_pending=False,
                )
            self._export_claims.pop(key, None)
            self._pending.pop(key, None)
            self._due.pop(key, None)
