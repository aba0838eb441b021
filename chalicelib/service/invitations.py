"""Invitations: coaches invite students, admins anyone; a link lets one person join, once.

Inviting checks the whole request first (who may hand out the role, every address), then
saves every invitation and emails each its link: nothing is saved for a refused request. An
address invited again gets a new invitation in place of its pending one, so the older link
stops working. Joining checks the link, then marks the invitation used and saves the member
in one conditional write: a used, revoked, replaced, expired or forged link lets nobody in.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.auth.identity import Identity
from chalicelib.clock import Clock
from chalicelib.service.tenancy_errors import (
    ForbiddenError,
    InviteNotFoundError,
    InviteRefusedError,
    InvitesNotConfiguredError,
)
from chalicelib.tenancy.links import (
    InviteLink,
    InviteLinkError,
    InviteLinkExpiredError,
    InviteLinks,
)
from chalicelib.tenancy.model import (
    INVITE_VALID_FOR,
    Invite,
    InviteStatus,
    Member,
    invite_key,
    normalized_email,
)
from chalicelib.tenancy.port import InviteTakenError, TenancyStore
from chalicelib.tenancy.roles import Role, granted_roles, invitable_roles


class InviteSender(Protocol):
    def send(self, invite: Invite, link: str) -> None:
        """Emails the invitation; InviteNotSentError when it cannot leave now."""
        ...


@dataclass(frozen=True)
class Joining:
    """A genuine, open invitation, as the join page shows it."""

    invite: Invite


def new_invite_id() -> str:
    return secrets.token_urlsafe(16)


class Invitations:
    def __init__(
        self,
        store: TenancyStore,
        links: InviteLinks | None,
        sender: InviteSender,
        clock: Clock,
        *,
        new_id: Callable[[], str] = new_invite_id,
    ) -> None:
        self._store = store
        self._links = links
        self._sender = sender
        self._clock = clock
        self._new_id = new_id

    def invite(self, caller: Identity, emails: Sequence[str], role: Role) -> list[Invite]:
        """One invitation per distinct address (compared as `normalized_email` does), each
        emailed its link; ForbiddenError unless the caller may hand out `role`."""
        if role not in invitable_roles(caller.roles):
            raise ForbiddenError(_forbidden_role(caller, role))
        links = self._configured()
        now = self._clock.now()
        distinct = list(dict.fromkeys(normalized_email(email) for email in emails))
        invites = [
            Invite(
                tenant_id=caller.tenant_id,
                invite_id=self._new_id(),
                email=email,
                role=role,
                invited_by=caller.user_id,
                inviter_email=caller.email,
                created_at=now,
                expires_at=now + INVITE_VALID_FOR,
            )
            for email in distinct
        ]
        self._store.put_invites(invites)
        for invite in invites:
            self._sender.send(invite, links.url(_link_of(invite), invite.expires_at))
        return invites

    def pending(self, caller: Identity) -> list[Invite]:
        """The tenant's invitations that can still be used, newest first."""
        _require_follower(caller)
        now = self._clock.now()
        found = [invite for invite in self._store.invites(caller.tenant_id) if invite.open_at(now)]
        return sorted(found, key=lambda invite: (invite.created_at, invite.email), reverse=True)

    def revoke(self, caller: Identity, invite_id: str) -> None:
        """The link stops working. Coaches revoke what they may hand out: students'. Revoking
        a revoked invitation again changes nothing and succeeds (a retried DELETE)."""
        _require_follower(caller)
        now = self._clock.now()
        for invite in self._store.invites(caller.tenant_id):
            if invite.invite_id == invite_id and invite.status is InviteStatus.REVOKED:
                return
            if invite.invite_id == invite_id and invite.open_at(now):
                if invite.role not in invitable_roles(caller.roles):
                    raise ForbiddenError(_forbidden_role(caller, invite.role))
                if self._store.revoke(caller.tenant_id, invite.key, invite_id):
                    return
        raise InviteNotFoundError(invite_id)

    def check(self, token: object) -> Joining:
        """The open invitation a link names; InviteRefusedError saying why not."""
        links = self._configured()
        now = self._clock.now()
        try:
            link = links.read(token, now)
        except InviteLinkExpiredError:
            raise InviteRefusedError(EXPIRED) from None
        except InviteLinkError:
            raise InviteRefusedError(FORGED) from None
        stored = self._store.invite(link.tenant_id, link.key)
        if stored is None or stored.invite_id != link.invite_id:
            raise InviteRefusedError(REPLACED)
        if stored.status is InviteStatus.USED:
            raise InviteRefusedError(USED)
        if stored.status is InviteStatus.REVOKED:
            raise InviteRefusedError(REVOKED)
        if not stored.open_at(now):
            raise InviteRefusedError(EXPIRED)
        return Joining(stored)

    def join(self, token: object, user_id: str, email: str | None = None) -> Member:
        """The new member the link lets in, saved with the invitation used up (one write).
        `email`, when the sign-up names one, must be the invited address."""
        invite = self.check(token).invite
        if email is not None and normalized_email(email) != invite.email:
            raise InviteRefusedError(OTHER_ADDRESS)
        member = Member(
            tenant_id=invite.tenant_id,
            user_id=user_id,
            email=invite.email,
            roles=granted_roles(invite.role),
            joined_at=self._clock.now(),
        )
        try:
            self._store.accept(invite, member)
        except InviteTakenError:
            raise InviteRefusedError(USED) from None
        return member

    def link_of(self, token: object) -> InviteLink | None:
        """What a genuine, unexpired link names, whatever became of its invitation."""
        try:
            return self._configured().read(token, self._clock.now())
        except InviteLinkError:
            return None

    def _configured(self) -> InviteLinks:
        if self._links is None:
            raise InvitesNotConfiguredError("set UNSUBSCRIBE_SECRET: it signs invitation links")
        return self._links


FORGED = "This invitation link is not valid. Check that you opened the whole link."
EXPIRED = "This invitation has expired. Ask whoever invited you for a new one."
USED = "This invitation has already been used. Sign in instead."
REVOKED = "This invitation was withdrawn. Ask whoever invited you if that is a mistake."
REPLACED = "A newer invitation was sent to this address. Use the link in the latest email."
OTHER_ADDRESS = "This invitation is for another email address. Sign up with the invited one."


def _link_of(invite: Invite) -> InviteLink:
    return InviteLink(invite.tenant_id, invite_key(invite.email), invite.invite_id)


def _require_follower(caller: Identity) -> None:
    if not caller.is_coach:
        raise ForbiddenError("invitations are for coaches and admins")


def _forbidden_role(caller: Identity, role: Role) -> str:
    if not caller.is_coach:
        return "only coaches and admins invite people"
    return f"coaches invite students; only admins invite a {role.value}"


def expires_in_days(invite: Invite, now: datetime) -> int:
    """Whole days left, as the email says them (at least 1)."""
    return max(1, round((invite.expires_at - now).total_seconds() / 86400))
