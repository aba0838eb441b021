"""Mints HS256 tokens shaped like the ones the verifier accepts locally (CLI, dev stack, tests)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import jwt

from chalicelib.auth.identity import Identity
from chalicelib.auth.verifier import MIN_SECRET_BYTES

LOCAL_ISSUER = "rapport-local"
LOCAL_AUDIENCE = "rapport"


def mint_token(
    secret: str,
    *,
    tenant: str,
    user: str,
    email: str,
    roles: Iterable[str] = (),
    ttl_seconds: int = 3600,
    now: datetime,
    issuer: str = LOCAL_ISSUER,
    audience: str = LOCAL_AUDIENCE,
) -> str:
    """An HS256 JWT for `user` of `tenant`, valid from `now` for `ttl_seconds`."""
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise ValueError(f"an HS256 secret needs at least {MIN_SECRET_BYTES} bytes")
    if ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be positive")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    # Building an Identity applies the verifier's rules for ids and email, so a token that
    # could never be accepted fails here, where the mistake is made.
    identity = Identity(user_id=user, tenant_id=tenant, email=email, roles=frozenset(roles))
    issued_at = int(now.timestamp())
    claims = {
        "sub": identity.user_id,
        "tenant_id": identity.tenant_id,
        "email": identity.email,
        "roles": sorted(identity.roles),
        "iss": issuer,
        "aud": audience,
        "iat": issued_at,
        "exp": issued_at + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm="HS256")
