"""Opaque list cursors: a signed DynamoDB start key, bound to the query it continues.

A cursor carries the tenant, user, status filter and search it was issued for; it is honoured only
for the same caller and query, and only if its HMAC verifies. The reader also checks that the
start key lies in the caller's own partition, so even a leaked signing key cannot move a
Query into another tenant's data. Signing is `chalicelib.signing`'s, under this module's context.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from chalicelib.settings import Settings
from chalicelib.signing import SignedTokenError, Signer, TokenSignatureError

_CONTEXT = "rapport/list-cursor/v1"
# A start key holds a few keys of at most a few hundred characters; anything longer is not ours.
MAX_CURSOR_LENGTH = 4096


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
    search: str = ""

    @property
    def query(self) -> list[str]:
        # A cursor of a plain list keeps the form it had before search existed.
        base = [self.tenant_id, self.user_id, self.status]
        return [*base, self.search] if self.search else base


def signing_key(settings: Settings) -> bytes:
    """`CURSOR_SECRET`; without one, a key derived from a deployed secret (so a stage needs no
    new secret), and locally from the stage name (local cursors guard no real data)."""
    if settings.cursor_secret:
        return settings.cursor_secret.encode()
    base = settings.unsubscribe_secret or settings.auth_jwt_secret or f"rapport-{settings.stage}"
    return hmac.new(base.encode(), _CONTEXT.encode(), hashlib.sha256).digest()


class CursorSigner:
    """Signs and verifies cursors with one key."""

    def __init__(self, key: bytes) -> None:
        self._signer = Signer(_CONTEXT, key, max_length=MAX_CURSOR_LENGTH)

    def sign(self, scope: CursorScope, start_key: dict[str, Any]) -> str:
        return self._signer.sign_json({"q": scope.query, "k": start_key})

    def verify(self, scope: CursorScope, cursor: str) -> dict[str, Any]:
        """The start key, if the cursor is genuine and was issued for `scope`."""
        try:
            decoded = self._signer.verify_json(cursor)
        except TokenSignatureError as error:
            raise InvalidCursorError("the cursor's signature does not verify") from error
        except SignedTokenError as error:
            raise InvalidCursorError("the cursor is not one this API issued") from error
        if decoded.get("q") != scope.query:
            raise InvalidCursorError("the cursor belongs to another query")
        start_key = decoded.get("k")
        if not isinstance(start_key, dict):
            raise InvalidCursorError("the cursor is not one this API issued")
        return start_key
