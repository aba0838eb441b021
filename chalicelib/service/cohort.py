"""What a tenant's coaches and admins see of their cohort, and each member's say in it.

Counts are everyone's; a contact's name, a due action or a pipeline only ever come from a
member who turned sharing on (`PUT /me/sharing`, off by default). The members' records are one
Query of the tenant's partition, so the tenant dashboard and the member list read who shares
from there, and each sharing member's own dashboard item (a BatchGetItem of 100 at most).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from chalicelib.auth.identity import STUDENT_ROLE, Identity
from chalicelib.clock import Clock
from chalicelib.service.tenancy_errors import ForbiddenError, MemberRemovedError
from chalicelib.tenancy.model import Member
from chalicelib.tenancy.port import TenancyStore
from chalicelib.timefmt import iso


class CohortReads(Protocol):
    """The read models the cohort is shown from (`projections.read_models.ReadModels`)."""

    def pipelines(self, tenant_id: str, user_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        """Each user's contacts counted per status."""
        ...

    def tenant_dashboard(self, tenant_id: str, sharing: Sequence[str]) -> dict[str, Any]:
        """Counts over everyone; due actions and interviews of the `sharing` users only."""
        ...


class Cohort:
    def __init__(self, store: TenancyStore, read_models: CohortReads, clock: Clock) -> None:
        self._store = store
        self._read_models = read_models
        self._clock = clock

    def members(self, caller: Identity) -> list[dict[str, Any]]:
        """The tenant's active members, first joined first; pipelines of sharing ones only."""
        require_follower(caller)
        members = self.active(caller.tenant_id)
        pipelines = self._read_models.pipelines(
            caller.tenant_id, [member.user_id for member in members if member.sharing]
        )
        return [
            {
                "user_id": member.user_id,
                "email": member.email,
                "roles": sorted(member.roles | {STUDENT_ROLE}),
                "joined_at": iso(member.joined_at),
                "sharing": member.sharing,
                "pipeline": pipelines.get(member.user_id) if member.sharing else None,
            }
            for member in members
        ]

    def dashboard(self, caller: Identity) -> dict[str, Any]:
        """The tenant dashboard: counts over everyone, names from sharing members only."""
        require_follower(caller)
        sharing = [member.user_id for member in self.active(caller.tenant_id) if member.sharing]
        return self._read_models.tenant_dashboard(caller.tenant_id, sharing)

    def active(self, tenant_id: str) -> list[Member]:
        found = [member for member in self._store.members(tenant_id) if member.active]
        return sorted(found, key=lambda member: (member.joined_at, member.user_id))

    def sharing(self, caller: Identity) -> bool:
        member = self._store.member(caller.tenant_id, caller.user_id)
        return member is not None and member.active and member.sharing

    def set_sharing(self, caller: Identity, share: bool) -> bool:
        saved = self._store.set_sharing(first_sight(caller, self._clock), share)
        if saved is None:
            raise MemberRemovedError(caller.user_id)
        return saved.sharing


def first_sight(caller: Identity, clock: Clock) -> Member:
    """The member record of a user Rapport sees for the first time (not through an invite)."""
    return Member(
        tenant_id=caller.tenant_id,
        user_id=caller.user_id,
        email=caller.email,
        roles=caller.roles,
        joined_at=clock.now(),
    )


def require_follower(caller: Identity) -> None:
    if not caller.is_coach:
        raise ForbiddenError("the cohort is for coaches and admins")
