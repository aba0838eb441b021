"""The custom authorizer's decision: verify the bearer token once, at the edge.

It always allows the call through, carrying either the verified claims or the reason for
refusing them, so the handler answers a refusal with the API's own 401 error body (API
Gateway's own 401/403 bodies would not match the contract). Clients cannot forge this
context: API Gateway fills it only from the authorizer's answer.
"""

from __future__ import annotations

from typing import Any

import jwt

from chalicelib.auth.identity import AuthError
from chalicelib.auth.verifier import TokenVerifier


def authorizer_context(verifier: TokenVerifier, authorization: str | None) -> dict[str, Any]:
    """The context to attach to the request: the identity's claims, or `auth_error`."""
    try:
        identity = verifier.verify_bearer(authorization)
    except AuthError as error:
        return {"auth_error": error.reason}
    token = (authorization or "").strip().partition(" ")[2].strip()
    expires = jwt.decode(token, options={"verify_signature": False}).get("exp", 0)
    return {
        "user_id": identity.user_id,
        "tenant_id": identity.tenant_id,
        "email": identity.email,
        "roles": ",".join(sorted(identity.roles)),
        "exp": int(expires),
    }
