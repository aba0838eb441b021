"""The errors of a tenant's own administration (invitations, members, offboarding), apart from
the services that raise them: the API's error mapping (`api/responses.py`) imports these on
every cold start, and needs none of the services' code for it."""

from __future__ import annotations

from chalicelib.service.errors import ServiceError


class ForbiddenError(ServiceError):
    """The caller's roles do not allow this (a 403)."""


class InviteNotFoundError(ServiceError):
    """No pending invitation of the caller's tenant has this id."""


class InviteRefusedError(ServiceError):
    """The link lets nobody join; `reason` says why, in words for the person holding it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvitesNotConfiguredError(ServiceError):
    """The stage has no link secret, so no invitation link can be made or read."""


class InviteNotSentError(ServiceError):
    """An invitation email could not leave now (the invitations are saved: inviting the same
    addresses again replaces them and sends again)."""


class MemberNotFoundError(ServiceError):
    """No active member of the caller's tenant has this id."""


class RemovingSelfError(ServiceError):
    """An admin cannot remove themselves (a tenant could be left with no admin)."""


class ExportNotSentError(ServiceError):
    """The export email could not leave now: the member is removed, and the export is sent by
    a retried DELETE or the hourly job."""


class MemberRemovedError(Exception):
    """The caller was removed from the tenant (their token outlived the gateway's cache)."""
