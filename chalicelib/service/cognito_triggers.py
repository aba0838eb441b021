"""Cognito's sign-up triggers: nobody signs up without an invitation, nobody picks a tenant.

PreSignUp refuses a sign-up unless its `clientMetadata` (the join page passes it to SignUp)
carries an open invitation for the very address being signed up. PostConfirmation (after the
address was proven with Cognito's code) uses the invitation up, records the member, and sets
`custom:tenant_id` and the group from the invitation, never from anything the user sent. A
trigger that raises makes Cognito refuse the call, with the message shown to the person.

Cognito retries a trigger that fails or times out: a second PostConfirmation finds the
invitation used by this very user and only finishes placing them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from chalicelib.service.invitations import Invitations, Joining
from chalicelib.service.tenancy_errors import InviteRefusedError
from chalicelib.tenancy.model import Member
from chalicelib.tenancy.port import TenancyStore

TOKEN_FIELD = "invite_token"
# Operators create the first admin of a tenant with AdminCreateUser (infra/README.md); every
# other way in is the invitation's. External identity providers are not offered.
_SIGN_UP = "PreSignUp_SignUp"
_ADMIN_CREATE = "PreSignUp_AdminCreateUser"
_CONFIRMED = "PostConfirmation_ConfirmSignUp"


class SignUpRefusedError(Exception):
    """Raised to Cognito, which refuses the sign-up and shows this message."""


class UserDirectory(Protocol):
    def place(self, user_pool_id: str, username: str, tenant_id: str, group: str | None) -> None:
        """Sets the user's tenant attribute and adds them to `group` (when not None)."""
        ...


class CognitoTriggers:
    def __init__(
        self, invitations: Invitations, store: TenancyStore, directory: UserDirectory
    ) -> None:
        self._invitations = invitations
        self._store = store
        self._directory = directory

    def pre_sign_up(self, event: dict[str, Any]) -> dict[str, Any]:
        trigger = event.get("triggerSource")
        if trigger == _ADMIN_CREATE:
            return event
        if trigger != _SIGN_UP:
            raise SignUpRefusedError("Sign up with the link in your invitation email.")
        request = _mapping(event.get("request"))
        email = _attributes(request).get("email")
        invite = self._checked(request).invite
        if not isinstance(email, str) or email.strip().lower() != invite.email:
            raise SignUpRefusedError(
                "This invitation is for another email address. Sign up with the invited one."
            )
        response = event.setdefault("response", {})
        # The address must be proven with Cognito's code before the user joins.
        response["autoConfirmUser"] = False
        response["autoVerifyEmail"] = False
        response["autoVerifyPhone"] = False
        return event

    def post_confirmation(self, event: dict[str, Any]) -> dict[str, Any]:
        if event.get("triggerSource") != _CONFIRMED:
            return event  # a forgotten password confirmed: nothing to place
        request = _mapping(event.get("request"))
        attributes = _attributes(request)
        user_id, email = attributes.get("sub"), attributes.get("email")
        if not isinstance(user_id, str) or not isinstance(email, str):
            raise SignUpRefusedError("The sign-up carried no user id or email address.")
        token = _mapping(request.get("clientMetadata")).get(TOKEN_FIELD)
        try:
            member = self._invitations.join(token, user_id, email)
        except InviteRefusedError as refused:
            member = self._retried(token, user_id) or _refuse(refused)
        # Students are in no group (everyone is one); coaches and admins in their role's.
        group = min(member.roles) if member.roles else None
        self._directory.place(
            str(event.get("userPoolId", "")),
            str(event.get("userName", "")),
            member.tenant_id,
            group,
        )
        return event

    def _checked(self, request: Mapping[str, Any]) -> Joining:
        token = _mapping(request.get("clientMetadata")).get(TOKEN_FIELD)
        if token is None:
            token = _mapping(request.get("validationData")).get(TOKEN_FIELD)
        try:
            return self._invitations.check(token)
        except InviteRefusedError as refused:
            raise SignUpRefusedError(refused.reason) from None

    def _retried(self, token: object, user_id: str) -> Member | None:
        """This user's member record when an earlier run of this trigger saved it."""
        link = self._invitations.link_of(token)
        if link is None:
            return None
        member = self._store.member(link.tenant_id, user_id)
        return member if member is not None and member.active else None


def _refuse(refused: InviteRefusedError) -> Member:
    raise SignUpRefusedError(refused.reason)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _attributes(request: Mapping[str, Any]) -> Mapping[str, Any]:
    return _mapping(request.get("userAttributes"))
