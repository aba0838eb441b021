"""Invitations and members as the tenancy store keeps them.

An invitation is kept under a key derived from the invitee's address (`invite_key`), so
inviting an address again replaces its pending invitation in one write, and an address never
appears in a link or a storage key. A member is every user of the tenant Rapport has seen: one
who joined through an invitation, or called the API once (operators' users, `cli token`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.tenancy.roles import Role

# How long an invitation link works (API.md: "valid 14 days").
INVITE_VALID_FOR = timedelta(days=14)
# Removed members' data is kept this long (for the export they were sent), then erased.
ERASE_AFTER = timedelta(days=30)
# A removed member's export is sent by the request that claimed it; a claim older than this is
# taken to have died with its request (a timed-out Lambda), and the next DELETE sends again.
EXPORT_CLAIM_LAPSES = timedelta(minutes=5)
MAX_INVITES_PER_REQUEST = 200


class InviteStatus(StrEnum):
    PENDING = "pending"
    USED = "used"
    REVOKED = "revoked"


class MemberStatus(StrEnum):
    ACTIVE = "active"
    # Removed by an admin: refused at the door, data kept until `erase_at`.
    REMOVED = "removed"
    # Removed and erased: only the user id is left, so their old tokens stay refused.
    ERASED = "erased"


def normalized_email(address: str) -> str:
    """The address as invitations compare it: surrounding space dropped, lower case (mail
    systems treat the local part case-insensitively in practice, and class lists vary)."""
    return address.strip().lower()


def invite_key(address: str) -> str:
    """The storage key of an address's invitation: a digest, so keys and links hold no address."""
    return hashlib.sha256(normalized_email(address).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Invite:
    tenant_id: str
    invite_id: str
    email: str
    role: Role
    invited_by: str  # the inviter's user id
    inviter_email: str
    created_at: datetime
    expires_at: datetime
    status: InviteStatus = InviteStatus.PENDING

    @property
    def key(self) -> str:
        return invite_key(self.email)

    def open_at(self, now: datetime) -> bool:
        """Whether the link still lets someone join."""
        return self.status is InviteStatus.PENDING and now < self.expires_at


@dataclass(frozen=True)
class Member:
    tenant_id: str
    user_id: str
    email: str
    roles: frozenset[str]
    joined_at: datetime
    sharing: bool = False
    status: MemberStatus = MemberStatus.ACTIVE
    removed_at: datetime | None = None
    erase_at: datetime | None = None
    # Removed, and the export not yet emailed: the removal is saved first (only one admin's
    # wins), then the export is sent once, under a claim (`TenancyStore.claim_export`).
    export_pending: bool = False

    @property
    def active(self) -> bool:
        return self.status is MemberStatus.ACTIVE

    def removed(self, now: datetime) -> Member:
        return replace(
            self,
            status=MemberStatus.REMOVED,
            sharing=False,
            removed_at=now,
            erase_at=now + ERASE_AFTER,
            export_pending=True,
        )


@dataclass(frozen=True)
class PendingExport:
    """A removed member whose export has not left yet (the erasure job retries it hourly)."""

    tenant_id: str
    user_id: str
    removed_at: datetime


@dataclass(frozen=True)
class DueErasure:
    """A removed member whose data is due to be erased (the erasure job's due index)."""

    tenant_id: str
    user_id: str
    erase_at: datetime
