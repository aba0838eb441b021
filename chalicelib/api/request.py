"""A request as the handlers see it: Chalice's request reduced to plain data."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from chalicelib.api.body import ascii_integer
from chalicelib.api.errors import ApiError, not_found, unauthorized
from chalicelib.auth.claims import is_role_list
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
    # The API's own URL as this request reached it (deployed: API Gateway's domain and the
    # stage's part of the path), for links the API emails about itself; None locally.
    origin: str | None = None

    def contact_id(self) -> str:
        """The `{contact_id}` of the path; an id that cannot exist is simply not found."""
        value = self.path_params.get("contact_id", "")
        if not _CONTACT_ID.match(value):
            raise not_found()
        return value


def caller_of(request: ApiRequest, clock: Clock) -> Identity:
    """The identity the authorizer verified; 401 with its reason when it verified none.

    The authorizer lets every request through to the handler with either the verified claims
    or the reason for refusing them, so that a refusal carries the API's own error body. Its
    context is read as strictly as the token was (`api/authorizer.py` writes it): a value that
    does not parse is a 401, never a role or an expiry guessed from a malformed string.
    """
    context = request.auth_context
    if context.get("auth_error") or not context.get("tenant_id"):
        raise unauthorized(str(context.get("auth_error") or "no token"))
    # API Gateway caches an authorizer's answer per token for minutes; expiry is re-checked,
    # with the verifier's own leeway, so both checks agree on when a token has expired.
    expires = _context_integer(context.get("exp"))
    if expires is None:
        raise unauthorized("invalid token context: exp")
    if expires + DEFAULT_LEEWAY.total_seconds() <= clock.now().timestamp():
        raise unauthorized("token expired")
    try:
        return Identity(
            user_id=str(context["user_id"]),
            tenant_id=str(context["tenant_id"]),
            email=str(context["email"]),
            roles=_context_roles(context.get("roles")),
        )
    except (KeyError, ValueError):
        raise unauthorized("invalid token context") from None


def _context_integer(value: object) -> int | None:
    """An integer of the context: as the authorizer wrote it, or as API Gateway's string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return ascii_integer(value, max_digits=12)


def _context_roles(value: object) -> frozenset[str]:
    """The roles as the authorizer wrote them: one JSON array of strings, each a whole role."""
    try:
        roles = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        roles = None
    if not is_role_list(roles):
        raise ValueError("roles must be a JSON array of strings")
    return frozenset(roles)


def require_coach(identity: Identity) -> None:
    if not identity.is_coach:
        raise ApiError(403, "forbidden", "the tenant dashboard is for coaches and admins")
