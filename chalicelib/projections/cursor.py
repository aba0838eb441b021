"""Opaque list cursors: a signed DynamoDB start key, bound to the query it continues.

A cursor carries the tenant, user and status filter it was issued for; it is honoured only
for the same caller and query, and only if its HMAC verifies. The reader also checks that the
start key lies in the caller's own partition, so even a leaked signing key cannot move a
Query into another tenant's data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from chalicelib.settings import Settings

_CONTEXT = b"rapport/list-cursor/v1"


class CursorError(Exception):
    """Base of the cursor errors."""


class InvalidCursorError(CursorError):
    """Not a cursor this service issued for this caller and query."""


@dataclass(frozen=True)
class CursorScope:
    """The query a cursor belongs to."""

    tenant_id: str
    user_id: str
    status: str = ""


def signing_key(settings: Settings) -> bytes:
    """`CURSOR_SECRET`; without one, a key derived from a deployed secret (so a stage needs no
    new secret), and locally from the stage name (local cursors guard no real data)."""
    if settings.cursor_secret:
        return settings.cursor_secret.encode()
    base = settings.unsubscribe_secret or settings.auth_jwt_secret or f"rapport-{settings.stage}"
    return hmac.new(base.encode(), _CONTEXT, hashlib.sha256).digest()


class CursorSigner:
    """Signs and verifies cursors with one key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(self, scope: CursorScope, start_key: dict[str, Any]) -> str:
        payload = json.dumps(
            {"q": [scope.tenant_id, scope.user_id, scope.status], "k": start_key},
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def verify(self, scope: CursorScope, cursor: str) -> dict[str, Any]:
        """The start key, if the cursor is genuine and was issued for `scope`."""
        try:
            encoded, _, signature = cursor.partition(".")
            payload = _unb64(encoded)
            if not hmac.compare_digest(_unb64(signature), self._mac(payload)):
                raise InvalidCursorError("the cursor's signature does not verify")
            decoded = json.loads(payload)
        except (ValueError, binascii.Error) as error:
            raise InvalidCursorError("the cursor is not one this API issued") from error
        if not isinstance(decoded, dict) or decoded.get("q") != [
            scope.tenant_id,
            scope.user_id,
            scope.status,
        ]:
            raise InvalidCursorError("the cursor belongs to another query")
        start_key = decoded.get("k")
        if not isinstance(start_key, dict):
            raise InvalidCursorError("the cursor is not one this API issued")
        return start_key

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
