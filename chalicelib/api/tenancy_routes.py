"""`/tenant/invites`, `/tenant/members` and `/me/sharing`: a tenant that runs itself.

Roles decide (API.md, "Tenants that run themselves"): coaches invite students and follow the
cohort; admins also invite coaches and admins and remove members; a student is refused all of
it with a 403. Each member decides whether coaches see their contacts' names.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.api.body import json_object
from chalicelib.api.errors import ApiError, not_found
from chalicelib.api.request import ApiRequest, caller_of
from chalicelib.api.responses import ApiResponse
from chalicelib.api.tenancy_schemas import InviteRequest, Sharing
from chalicelib.api.validation import validate_body
from chalicelib.auth.identity import is_valid_id
from chalicelib.clock import Clock
from chalicelib.service.cohort import Cohort
from chalicelib.service.invitations import Invitations
from chalicelib.service.offboarding import Offboarding
from chalicelib.service.tenancy_errors import ExportNotSentError, InviteNotSentError
from chalicelib.tenancy.model import Invite
from chalicelib.timefmt import iso

_INVITE_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Who is in a cohort and who shares change at any time: never from a cache.
_PRIVATE = {"Cache-Control": "no-store"}
# A minute: SES throttles by the second, and sending again then most likely works.
_MAIL_RETRY_AFTER = {"Retry-After": "60"}


def create_invites(request: ApiRequest, *, invitations: Invitations, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    if not caller.is_coach:
        raise ApiError(403, "forbidden", "only coaches and admins invite people")
    wanted = validate_body(InviteRequest, json_object(request.raw_body))
    try:
        invites = invitations.invite(caller, wanted.emails, wanted.role)
    except InviteNotSentError:
        raise ApiError(
            503,
            "mail_unavailable",
            "the invitations are saved but an email could not be sent now; invite the same "
            "addresses again in a minute (it replaces their invitations)",
            headers=_MAIL_RETRY_AFTER,
        ) from None
    return ApiResponse(201, {"invites": [_invite(invite) for invite in invites]}, _PRIVATE)


def list_invites(request: ApiRequest, *, invitations: Invitations, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    items = [_invite(invite) for invite in invitations.pending(caller)]
    return ApiResponse(200, {"items": items}, _PRIVATE)


def revoke_invite(request: ApiRequest, *, invitations: Invitations, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    invite_id = request.path_params.get("invite_id", "")
    if not caller.is_coach:
        raise ApiError(403, "forbidden", "invitations are for coaches and admins")
    if not _INVITE_ID.fullmatch(invite_id):
        raise not_found("invitation")
    invitations.revoke(caller, invite_id)
    return ApiResponse(204)


def list_members(request: ApiRequest, *, cohort: Cohort, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    return ApiResponse(200, {"items": cohort.members(caller)}, _PRIVATE)


def remove_member(request: ApiRequest, *, offboarding: Offboarding, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    user_id = request.path_params.get("user_id", "")
    if not caller.is_admin:
        raise ApiError(403, "forbidden", "only admins remove members")
    if not is_valid_id(user_id):
        raise not_found("member")
    try:
        offboarding.remove(caller, user_id)
    except ExportNotSentError:
        raise ApiError(
            503,
            "mail_unavailable",
            "the member is removed, but their export could not be emailed now: it is sent "
            "within the hour, or when you repeat the DELETE",
            headers=_MAIL_RETRY_AFTER,
        ) from None
    return ApiResponse(204)


def get_sharing(request: ApiRequest, *, cohort: Cohort, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    return ApiResponse(200, {"share_with_coaches": cohort.sharing(caller)}, _PRIVATE)


def put_sharing(request: ApiRequest, *, cohort: Cohort, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    wanted = validate_body(Sharing, json_object(request.raw_body))
    shared = cohort.set_sharing(caller, wanted.share_with_coaches)
    return ApiResponse(200, {"share_with_coaches": shared}, _PRIVATE)


def _invite(invite: Invite) -> dict[str, Any]:
    return {
        "invite_id": invite.invite_id,
        "email": invite.email,
        "role": invite.role.value,
        "expires_at": iso(invite.expires_at),
        "invited_by": invite.invited_by,
        "created_at": iso(invite.created_at),
    }
