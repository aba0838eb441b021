"""Signed unsubscribe tokens: who is unsubscribing, provable without a session or a lookup.

A token is `v1.<payload>.<signature>`, both parts URL-safe base64 without padding. The payload
names the tenant and the user; the signature is HMAC-SHA256 over the version and the payload,
so neither can be changed to reach another user or tenant. Tokens do not expire: links in old
emails and RFC 8058 one-click requests must keep working. Secrets rotate instead: the first
accepted secret signs, every accepted secret verifies.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Sequence
from urllib.parse import urlencode

VERSION = "v1"
# Unsubscribe tokens are short; refusing long input bounds the work an attacker can cause.
MAX_TOKEN_LENGTH = 2048
_CONTEXT = b"rapport-unsubscribe"
_SHAPE = re.compile(r"v1\.(?P<payload>[A-Za-z0-9_-]+)\.(?P<signature>[A-Za-z0-9_-]{43})")

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
    payload = _encode(
        json.dumps({"t": tenant_id, "u": user_id}, separators=(",", ":")).encode("utf-8")
    )
    signature = _encode(_sign(_accepted(secrets)[0], payload))
    return f"{VERSION}.{payload}.{signature}"


def verify_unsubscribe_token(secrets: Secrets, token: str) -> tuple[str, str]:
    """The (tenant_id, user_id) a token was made for; raises UnsubscribeTokenError otherwise."""
    accepted = _accepted(secrets)
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise UnsubscribeTokenError("unsubscribe token is malformed")
    shape = _SHAPE.fullmatch(token)
    if shape is None:
        raise UnsubscribeTokenError("unsubscribe token is malformed")
    payload, signature = shape.group("payload"), shape.group("signature")
    # Comparing canonical encodings (not decoded bytes) leaves exactly one valid spelling of
    # each token. Every secret is tried, with no early exit, so timing says nothing.
    matches = [
        hmac.compare_digest(_encode(_sign(secret, payload)), signature) for secret in accepted
    ]
    if not any(matches):
        raise UnsubscribeTokenError("unsubscribe token signature does not match")
    return _identity(_decode(payload))


def unsubscribe_url(base_url: str, token: str) -> str:
    """The one-click link for emails and the `List-Unsubscribe` header."""
    return f"{base_url.rstrip('/')}/unsubscribe?{urlencode({'token': token})}"


def accepted_secrets(setting: str | None) -> tuple[str, ...]:
    """Splits a comma-separated secret setting (newest first), e.g. `UNSUBSCRIBE_SECRET`."""
    secrets = tuple(part.strip() for part in (setting or "").split(",") if part.strip())
    if not secrets:
        raise UnsubscribeSecretError("no unsubscribe secret is configured")
    return secrets


def _accepted(secrets: Secrets) -> tuple[str, ...]:
    accepted = (secrets,) if isinstance(secrets, str) else tuple(secrets)
    if not accepted or not all(accepted):
        raise UnsubscribeSecretError("unsubscribe secrets must be non-empty")
    return accepted


def _sign(secret: str, payload: str) -> bytes:
    message = b".".join((_CONTEXT, VERSION.encode(), payload.encode("ascii")))
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise UnsubscribeTokenError("unsubscribe token is malformed") from error


def _identity(payload: bytes) -> tuple[str, str]:
    try:
        claims = json.loads(payload)
        tenant_id, user_id = claims["t"], claims["u"]
    except (ValueError, TypeError, KeyError) as error:
        raise UnsubscribeTokenError("unsubscribe token payload is malformed") from error
    if not (isinstance(tenant_id, str) and isinstance(user_id, str) and tenant_id and user_id):
        raise UnsubscribeTokenError("unsubscribe token payload is malformed")
    return tenant_id, user_id
