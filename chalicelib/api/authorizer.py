"""The custom authorizer's decision: verify the bearer token once, at the edge.

It always allows the call through, carrying either the verified claims or the reason for
refusing them, so the handler answers a refusal with the API's own 401 error body (API
Gateway's own 401/403 bodies would not match the contract). Clients cannot forge this
context: API Gateway fills it only from the authorizer's answer.

API Gateway passes a context's values on as strings (numbers and booleans included) and takes
no lists, so the roles travel as one JSON array and `request.caller_of` reads them back whole:
joining them with commas would let a role named `"student,coach"` come back as two roles.
Chalice's test client and local server pass the same dict on unchanged, so both paths read it
with the same code.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib.auth.identity import AuthError
from chalicelib.auth.verifier import TokenVerifier

if TYPE_CHECKING:
    from chalicelib.service.membership import Membership

# What a removed member's token gets (API.md: the member's access ends).
MEMBERSHIP_ENDED = "membership ended"


def authorizer_context(
    verifier: TokenVerifier, authorization: str | None, membership: Membership | None = None
) -> dict[str, Any]:
    """The context to attach to the request: the identity's claims, or `auth_error`. With
    `membership`, a verified token of a user who was removed from the tenant is refused."""
    try:
        verified = verifier.verified_bearer(authorization)
    except AuthError as error:
        return {"auth_error": error.reason}
    identity = verified.identity
    if membership is not None and not membership.admits(identity):
        return {"auth_error": MEMBERSHIP_ENDED}
    return {
        "user_id": identity.user_id,
        "tenant_id": identity.tenant_id,
        "email": identity.email,
        "roles": json.dumps(sorted(identity.roles)),
        "exp": verified.expires_at,
    }
