"""The operations of a tenant that runs itself: invitations, joining, members, sharing."""

from __future__ import annotations

from chalicelib.api import openapi_parts as p
from chalicelib.api import tenancy_schemas as t
from chalicelib.api.openapi_parts import Schema

_TAG = "tenancy"
_FORBIDDEN_FOLLOWERS = p.error("`forbidden`: only coaches and admins")
_MAIL = p.error(
    "`mail_unavailable`: an email could not leave now; retry after `Retry-After` seconds",
    p.RETRY_AFTER,
)
_JOIN_TOKEN = p.parameter(
    "token", "query", "The invitation's token, as the emailed link carries it"
)
_INVITE_ID = p.parameter("invite_id", "path", "An invitation's id, from `GET /tenant/invites`")
_USER_ID = p.parameter("user_id", "path", "A member's user id, from `GET /tenant/members`")
COMPONENTS = (
    t.InviteRequest,
    t.Sharing,
    t.InvitesCreated,
    t.InviteList,
    t.MemberList,
    t.JoinToken,
)


def tenancy_paths() -> Schema:
    sharing = p.answer("Whether you share with your cohort's coaches", t.Sharing)
    return {
        "/tenant/invites": {
            "post": p.operation(
                "createInvites",
                _TAG,
                "Invite up to 200 addresses; each gets a link valid 14 days (inviting an "
                "address again replaces its pending invitation). Coaches invite students; "
                "admins any role",
                {
                    "201": p.answer("Invited, and each address emailed", t.InvitesCreated),
                    "400": p.BAD_INPUT,
                    "403": p.error("`forbidden`: a student, or a coach inviting a coach or admin"),
                    "413": p.TOO_LARGE,
                    "503": _MAIL,
                },
                body=p.json_body(p.ref(t.InviteRequest)),
            ),
            "get": p.operation(
                "listInvites",
                _TAG,
                "The tenant's pending invitations",
                {"200": p.answer("Pending invitations", t.InviteList), "403": _FORBIDDEN_FOLLOWERS},
            ),
        },
        "/tenant/invites/{invite_id}": {
            "delete": p.operation(
                "revokeInvite",
                _TAG,
                "Revoke a pending invitation: its link stops working",
                {
                    "204": p.empty("Revoked (now, or already)"),
                    "403": p.error(
                        "`forbidden`: a student, or a coach revoking a coach's or an admin's "
                        "invitation"
                    ),
                    "404": p.error(
                        "`not_found`: no pending or revoked invitation of your tenant has this id"
                    ),
                },
                parameters=(_INVITE_ID,),
            )
        },
        "/tenant/members": {
            "get": p.operation(
                "listMembers",
                _TAG,
                "Every member Rapport has seen; pipelines only of members who share",
                {"200": p.answer("Members", t.MemberList), "403": _FORBIDDEN_FOLLOWERS},
            )
        },
        "/tenant/members/{user_id}": {
            "delete": p.operation(
                "removeMember",
                _TAG,
                "Remove a member (admins): their access ends within 5 minutes, they are emailed "
                "an export of their data, which is erased 30 days later",
                {
                    "204": p.empty("Removed (now, or already)"),
                    "403": p.error("`forbidden`: only admins remove members"),
                    "404": p.error("`not_found`: no member of your tenant has this id"),
                    "409": p.error("`cannot_remove_self`: an admin cannot remove themselves"),
                    "503": p.error(
                        "`mail_unavailable`: the member is removed, but the export could not "
                        "leave now; it is sent within the hour, or by this DELETE repeated "
                        "after `Retry-After` seconds",
                        p.RETRY_AFTER,
                    ),
                },
                parameters=(_USER_ID,),
            )
        },
        "/me/sharing": {
            "get": p.operation(
                "getSharing",
                _TAG,
                "Whether coaches see your contacts (default no)",
                {"200": sharing},
            ),
            "put": p.operation(
                "setSharing",
                _TAG,
                "Share your contacts' names, due actions and pipeline with your cohort's "
                "coaches and admins, or stop",
                {"200": sharing, "400": p.BAD_INPUT, "413": p.TOO_LARGE},
                body=p.json_body(p.ref(t.Sharing)),
            ),
        },
        "/join": {
            "get": p.operation(
                "showJoinPage",
                _TAG,
                "The page an invitation link opens: the tenant, who invited, and the way in "
                "(deployed: Cognito sign-up)",
                {
                    "200": p.page("The page"),
                    "400": p.page("A used, revoked, replaced, expired or forged link: why"),
                },
                secured=False,
                parameters=(_JOIN_TOKEN,),
            ),
            "post": p.operation(
                "join",
                _TAG,
                "The dev stack only: join through the link, and get the new member's token",
                {
                    "201": p.answer("Joined", t.JoinToken),
                    "400": p.error(
                        "`invalid_invite`: a used, revoked, replaced, expired or forged link; "
                        "nobody joined"
                    ),
                    "404": p.error("`not_found`: deployed, joining is Cognito's sign-up"),
                },
                secured=False,
                parameters=(_JOIN_TOKEN,),
            ),
        },
    }
