"""A request as the handlers see it: Chalice's request reduced to plain data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from chalicelib.api.errors import ApiError, not_found, unauthorized
from chalicelib.auth.identity import Identity
from chalicelib.auth.verifier import DEFAULT_LEEWAY
from chalicelib.clock import Clock

_CONTACT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class ApiRequest:
    """Method, path, headers (lower-case names), query, body and the authorizer's context."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    path_params: dict[str, str] = field(default_factory=dict)
    raw_body: bytes = b""
    auth_context: dict[str, Any] = field(default_factory=dict)

    def contact_id(self) -> str:
        """The `{contact_id}` of the path; an id that cannot exist is simply not found."""
        value = self.path_params.get("contact_id", "")
        if not _CONTACT_ID.match(value):
            raise not_found()
        return value


def caller_of(request: ApiRequest, clock: Clock) -> Identity:
    """The identity the authorizer verified; 401 with its reason when it verified none.

    The authorizer lets every request through to the handler with either the verified claims
    or the reason for refusing them, so that a refusal carries the API's own error body.
    """
    context = request.auth_context
    if context.get("auth_error") or not context.get("tenant_id"):
        raise unauthorized(str(context.get("auth_error") or "no token"))
    # API Gateway caches an authorizer's answer per token for minutes; expiry is re-checked,
    # with the verifier's own leeway, so both checks agree on when a token has expired.
    if float(context.get("exp", 0)) + DEFAULT_LEEWAY.total_seconds() <= clock.now().timestamp():
        raise unauthorized("token expired")
    roles = frozenset(r for r in str(context.get("roles", "")).split(",") if r)
    return Identity(
        user_id=str(context["user_id"]),
        tenant_id=str(context["tenant_id"]),
        email=str(context["email"]),
        roles=roles,
    )


def require_coach(identity: Identity) -> None:
    if not identity.is_coach:
        raise ApiError(403, "forbidden", "the tenant dashboard is for coaches")
