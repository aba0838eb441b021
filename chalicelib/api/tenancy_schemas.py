"""The bodies of invitations, members and sharing (`/tenant/invites`, `/tenant/members`,
`/me/sharing`, `/join`), validated on the way in and described in OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.types import Email
from chalicelib.tenancy.model import MAX_INVITES_PER_REQUEST
from chalicelib.tenancy.roles import Role


class InviteRequest(BaseModel):
    """`POST /tenant/invites`: up to 200 addresses (e.g. pasted from a class list)."""

    model_config = ConfigDict(title="InviteRequest", extra="forbid")

    emails: Annotated[list[Email], Field(min_length=1, max_length=MAX_INVITES_PER_REQUEST)] = Field(
        description="1 to 200 addresses; the same address twice is invited once"
    )
    role: Role = Field(
        default=Role.STUDENT,
        description="What the invitees join as: coaches invite students; admins any role",
    )


class InvitePublic(BaseModel):
    model_config = ConfigDict(title="Invite")

    invite_id: str
    email: str
    role: Role
    expires_at: datetime
    invited_by: str = Field(description="The inviter's user id")
    created_at: datetime


class InvitesCreated(BaseModel):
    invites: list[InvitePublic]


class InviteList(BaseModel):
    items: list[InvitePublic] = Field(description="Pending invitations, newest first")


class MemberPublic(BaseModel):
    model_config = ConfigDict(title="Member")

    user_id: str
    email: str
    roles: list[str] = Field(description="Always `student`; `coach` and `admin` when held")
    joined_at: datetime = Field(description="When they joined, or when Rapport first saw them")
    sharing: bool = Field(description="Whether they share their contacts with coaches")
    pipeline: dict[str, int] | None = Field(
        description="Their contacts counted per status; null unless they share"
    )


class MemberList(BaseModel):
    items: list[MemberPublic]


class Sharing(BaseModel):
    """`GET|PUT /me/sharing`: whether coaches and admins may see your contacts' names, due
    actions and pipeline (they always see counts summed over the cohort)."""

    model_config = ConfigDict(title="Sharing", extra="forbid")

    share_with_coaches: bool


class JoinToken(BaseModel):
    token: str = Field(description="A bearer token for the new member (the dev stack only)")
