"""Webhook signing secrets sealed at rest with AES-GCM.

Rapport must read a provider's secret back to check each delivery's HMAC, so it cannot keep a
hash of it: it keeps it encrypted under `WEBHOOK_SECRETS_KEY` instead, bound by the AEAD's
associated data to its tenant, user and provider, so a sealed value copied onto another user's
item (or another provider) does not open. A table dump alone reveals no secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chalicelib.settings import Settings

# The version prefix lets a later key or algorithm live beside today's sealed values.
_PREFIX = "v1."
_NONCE_BYTES = 12
_CONTEXT = b"rapport webhook secrets v1"


class SecretBoxError(Exception):
    """A sealed value that does not open: another key, another owner, or altered bytes."""


def secrets_key(settings: Settings) -> bytes:
    """The 256-bit AES key: from `WEBHOOK_SECRETS_KEY`; without one, derived from a deployed
    secret (a stage needs no new secret) and locally from the stage name, like the cursor key."""
    base = (
        settings.webhook_secrets_key
        or settings.unsubscribe_secret
        or settings.auth_jwt_secret
        or f"rapport-{settings.stage}"
    )
    return hmac.new(base.encode(), _CONTEXT, hashlib.sha256).digest()


def derived_key(key: bytes, purpose: str) -> bytes:
    """A key for one other purpose (the calendar feed's secrets), never the AES key itself."""
    return hmac.new(key, purpose.encode(), hashlib.sha256).digest()


class SecretBox:
    """Seals and opens one owner's secrets."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, secret: str, *, tenant_id: str, user_id: str, provider: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, secret.encode(), _aad(tenant_id, user_id, provider))
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, sealed: str, *, tenant_id: str, user_id: str, provider: str) -> str:
        if not sealed.startswith(_PREFIX):
            raise SecretBoxError("unknown sealed-secret format")
        encoded = sealed[len(_PREFIX) :]
        try:
            raw = base64.urlsafe_b64decode(encoded)
            # Only the canonical spelling opens: base64's unused low bits would otherwise give one
            # sealed value several spellings, as the owner tokens and inbound addresses refuse too.
            if base64.urlsafe_b64encode(raw).decode() != encoded:
                raise ValueError("not the canonical encoding")
            plain = self._aead.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _aad(tenant_id, user_id, provider)
            )
        except (InvalidTag, ValueError) as error:
            raise SecretBoxError("the sealed secret does not open with this key") from error
        return plain.decode()


def _aad(tenant_id: str, user_id: str, provider: str) -> bytes:
    return "\x1f".join((tenant_id, user_id, provider)).encode()
