"""`/join?token=…`: the page an invitation link opens, and (the dev stack only) joining.

The page names the tenant and who invited, in the dashboard's style (`web/pages/join.html`).
Deployed, its script signs the person up with Cognito, passing the token on, and Cognito's
triggers do the joining (`service/cognito_triggers.py`). Locally, `POST /join` joins at once
and answers the new member's token. A used, revoked, expired or forged link is a 400 either
way, and nobody joins.
"""

from __future__ import annotations

import uuid
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from chalicelib.api.errors import ApiError, FieldProblem, not_found
from chalicelib.api.link_pages import HTML, link_token
from chalicelib.api.request import ApiRequest
from chalicelib.api.responses import ApiResponse
from chalicelib.auth.minting import mint_token
from chalicelib.clock import Clock
from chalicelib.service.invitations import Invitations
from chalicelib.service.tenancy_errors import InviteRefusedError
from chalicelib.settings import Settings
from chalicelib.timefmt import iso
from chalicelib.web_assets import PAGE_CSP

PAGES = Path(__file__).resolve().parents[1] / "web" / "pages"
# The token is in the URL: keep it out of caches and Referer headers.
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
}
# A dev stack's token for a new member lasts a working day, as `cli token`'s do.
LOCAL_TOKEN_TTL_SECONDS = 8 * 3600


@cache
def _template() -> Template:
    environment = Environment(
        loader=FileSystemLoader(PAGES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )
    return environment.get_template("join.html")


def join_page(request: ApiRequest, *, invitations: Invitations, settings: Settings) -> ApiResponse:
    """GET: who invited whom to which tenant, and the way in; the reason when there is none."""
    token = link_token(request)
    values = {
        "state": "invalid",
        "reason": "",
        "tenant": "",
        "inviter": "",
        "role": "",
        "email": "",
        "expires_at": "",
        "token": "",
        "mode": "local" if _local(settings) else "cognito",
        "cognito_region": "" if _local(settings) else settings.region,
        "cognito_client_id": "" if _local(settings) else settings.cognito_client_id or "",
    }
    try:
        invite = invitations.check(token).invite
    except InviteRefusedError as refused:
        values["reason"] = refused.reason
        return _page(400, values)
    values.update(
        state="valid",
        tenant=invite.tenant_id,
        inviter=invite.inviter_email,
        role=invite.role.value,
        email=invite.email,
        expires_at=iso(invite.expires_at),
        token=token,
    )
    return _page(200, values)


def join(
    request: ApiRequest, *, invitations: Invitations, settings: Settings, clock: Clock
) -> ApiResponse:
    """POST (the dev stack only): the new member, and a token to sign in with."""
    if not _local(settings):
        raise not_found("route: deployed, joining is Cognito's sign-up")
    try:
        member = invitations.join(link_token(request), str(uuid.uuid4()))
    except InviteRefusedError as refused:
        problem = FieldProblem("token", refused.reason)
        raise ApiError(400, "invalid_invite", refused.reason, (problem,)) from None
    token = mint_token(
        settings.auth_jwt_secret or "",
        tenant=member.tenant_id,
        user=member.user_id,
        email=member.email,
        roles=member.roles,
        ttl_seconds=LOCAL_TOKEN_TTL_SECONDS,
        now=clock.now(),
        issuer=settings.auth_issuer or "rapport-local",
        audience=settings.auth_audience or "rapport",
    )
    return ApiResponse(201, {"token": token}, {"Cache-Control": "no-store"})


def _local(settings: Settings) -> bool:
    return settings.local_join and bool(settings.auth_jwt_secret)


def _page(status: int, values: dict[str, str]) -> ApiResponse:
    body = _template().render(**values)
    return ApiResponse(status, body, dict(_HEADERS), content_type=HTML)
