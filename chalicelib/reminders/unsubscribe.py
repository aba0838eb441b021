"""Signed unsubscribe tokens: who is unsubscribing, provable without a session or a lookup.

A token is `v1.<payload>.<signature>`, both parts URL-safe base64 without padding. The payload
names the tenant and the user; the signature is HMAC-SHA256 over the version and the payload,
so neither can be changed to reach another user or tenant. Tokens do not expire: links in old
emails and RFC 8058 one-click requests must keep working. Secrets rotate instead: the first
accepted secret signs, every accepted secret verifies (see `chalicelib.signing`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from chalicelib.signing import (
    MalformedTokenError,
    SignedTokenError,
    Signer,
    SigningSecretError,
    TokenSignatureError,
)

VERSION = "v1"
# Unsubscribe tokens are short; refusing long input bounds the work an attacker can cause.
MAX_TOKEN_LENGTH = 2048
_PREFIX = f"{VERSION}."
_CONTEXT = f"rapport-unsubscribe.{VERSION}"

Secrets = str | Sequence[str]


class UnsubscribeError(Exception):
    """Base of this module's errors."""


class UnsubscribeSecretError(UnsubscribeError):
    """No usable secret was configured."""


class UnsubscribeTokenError(UnsubscribeError):
    """The token is malformed, altered, or signed with a secret no longer accepted."""


def make_unsubscribe_token(secrets: Secrets, tenant_id: str, user_id: str) -> str:
    """A token that lets `user_id` of `tenant_id`, and nobody else, turn reminders off."""
    if not tenant_id or not user_id:
        raise ValueError("tenant_id and user_id are required")
    return _PREFIX + _signer(secrets).sign_json({"t": tenant_id, "u": user_id})


def verify_unsubscribe_token(secrets: Secrets, token: str) -> tuple[str, str]:
    """The (tenant_id, user_id) a token was made for; raises UnsubscribeTokenError otherwise."""
    signer = _signer(secrets)
    if not isinstance(token, str) or not token.startswith(_PREFIX):
        raise UnsubscribeTokenError("unsubscribe token is malformed")
    try:
        claims = signer.verify_json(token.removeprefix(_PREFIX))
    except TokenSignatureError as error:
        raise UnsubscribeTokenError("unsubscribe token signature does not match") from error
    except MalformedTokenError as error:
        raise UnsubscribeTokenError("unsubscribe token is malformed") from error
    except SignedTokenError as error:
        raise UnsubscribeTokenError("unsubscribe token is not valid") from error
    return _identity(claims)


def unsubscribe_url(base_url: str, token: str) -> str:
    """The one-click link for emails and the `List-Unsubscribe` header."""
    return f"{base_url.rstrip('/')}/unsubscribe?{urlencode({'token': token})}"


def accepted_secrets(setting: str | None) -> tuple[str, ...]:
    """Splits a comma-separated secret setting (newest first), e.g. `UNSUBSCRIBE_SECRET`."""
    secrets = tuple(part.strip() for part in (setting or "").split(",") if part.strip())
    if not secrets:
        raise UnsubscribeSecretError("no unsubscribe secret is configured")
    return secrets


def _signer(secrets: Secrets) -> Signer:
    try:
        return Signer(_CONTEXT, secrets, max_length=MAX_TOKEN_LENGTH - len(_PREFIX))
    except SigningSecretError as error:
        raise UnsubscribeSecretError("unsubscribe secrets must be non-empty") from error


def _identity(claims: dict[str, Any]) -> tuple[str, str]:
    tenant_id, user_id = claims.get("t"), claims.get("u")
    if not (isinstance(tenant_id, str) and isinstance(user_id, str) and tenant_id and user_id):
        raise UnsubscribeTokenError("unsubscribe token payload is malformed")
    return tenant_id, user_id
