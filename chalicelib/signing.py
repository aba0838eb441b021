"""Signed tokens: data handed to a client that comes back provably unchanged, with no lookup.

A token is `<payload>.<signature>`, both URL-safe base64 without padding. The signature is
HMAC-SHA256 over `<context>.<payload as encoded>`. The context names the token's purpose (list
cursor, unsubscribe link, snooze link, reply address), so a token made for one purpose never
verifies for another even under the same secret. Several secrets may be accepted so that they
can rotate: the first signs, every one verifies, each is tried with no early exit and compared in
constant time, so timing says nothing. Comparing the canonical encoding (not decoded bytes)
leaves exactly one valid spelling of each token. Input longer than `max_length` is refused
before any work. JSON tokens may carry `expires_at` (whole epoch seconds).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

Secret = str | bytes
Secrets = Secret | Sequence[Secret]

EXPIRES_AT = "expires_at"
DEFAULT_MAX_LENGTH = 4096
_PART = re.compile(r"[A-Za-z0-9_-]+")
_SIGNATURE_LENGTH = 43  # a SHA-256 digest, base64url without padding


class SigningError(Exception):
    """Base of this module's errors."""


class SigningSecretError(SigningError):
    """No usable secret was configured."""


class SignedTokenError(SigningError):
    """The token is not a genuine one of this purpose: refuse it."""


class MalformedTokenError(SignedTokenError):
    """Not shaped like a token, too long, or a payload that does not decode."""


class TokenSignatureError(SignedTokenError):
    """Altered, signed for another purpose, or with a secret no longer accepted."""


class TokenExpiredError(SignedTokenError):
    """Genuine, but its `expires_at` has passed."""


class Signer:
    """Signs and verifies the tokens of one purpose."""

    def __init__(
        self, context: str, secrets: Secrets, *, max_length: int = DEFAULT_MAX_LENGTH
    ) -> None:
        if not context:
            raise ValueError("a signer needs a context naming its tokens' purpose")
        self._context = context.encode("utf-8")
        self._keys = _keys(secrets)
        self._max_length = max_length

    def sign(self, payload: bytes) -> str:
        """A token carrying `payload`, signed with the first secret."""
        encoded = _encode(payload)
        return f"{encoded}.{self._signature(self._keys[0], encoded)}"

    def verify(self, token: object) -> bytes:
        """The payload of a genuine token; a SignedTokenError says why not."""
        if not isinstance(token, str) or len(token) > self._max_length:
            raise MalformedTokenError("the token is malformed")
        encoded, dot, signature = token.partition(".")
        if not (dot and _PART.fullmatch(encoded) and _PART.fullmatch(signature)):
            raise MalformedTokenError("the token is malformed")
        if len(signature) != _SIGNATURE_LENGTH:
            raise MalformedTokenError("the token is malformed")
        matches = [
            hmac.compare_digest(self._signature(key, encoded), signature) for key in self._keys
        ]
        if not any(matches):
            raise TokenSignatureError("the token's signature does not match")
        return _decode(encoded)

    def sign_json(self, claims: Mapping[str, Any], *, expires_at: datetime | None = None) -> str:
        """A token carrying a JSON object; with `expires_at`, one that stops verifying then."""
        if EXPIRES_AT in claims:
            raise ValueError(f"pass {EXPIRES_AT} as a parameter, not a claim")
        body = dict(claims)
        if expires_at is not None:
            if expires_at.tzinfo is None:
                raise ValueError("expires_at must be timezone-aware")
            body[EXPIRES_AT] = math.floor(expires_at.timestamp())
        return self.sign(json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8"))

    def verify_json(self, token: object, *, now: datetime | None = None) -> dict[str, Any]:
        """The claims a genuine, unexpired token was made with (without its `expires_at`).

        A token that expires is checked against `now`; without `now` it is refused, so a caller
        that forgets the clock fails closed.
        """
        try:
            claims = json.loads(self.verify(token))
        except ValueError as error:  # json.JSONDecodeError and UnicodeDecodeError
            raise MalformedTokenError("the token's payload is not JSON") from error
        if not isinstance(claims, dict):
            raise MalformedTokenError("the token's payload is not a JSON object")
        if EXPIRES_AT in claims:
            expires_at = claims.pop(EXPIRES_AT)
            if isinstance(expires_at, bool) or not isinstance(expires_at, int):
                raise MalformedTokenError("the token's expiry is malformed")
            if now is None or now.tzinfo is None:
                raise TokenExpiredError("the token expires: give an aware `now` to check it")
            if math.floor(now.timestamp()) >= expires_at:
                raise TokenExpiredError("the token has expired")
        return claims

    def _signature(self, key: bytes, encoded: str) -> str:
        message = b".".join((self._context, encoded.encode("ascii")))
        return _encode(hmac.new(key, message, hashlib.sha256).digest())


def _keys(secrets: Secrets) -> tuple[bytes, ...]:
    listed = (secrets,) if isinstance(secrets, str | bytes) else tuple(secrets)
    if not listed or not all(listed):
        raise SigningSecretError("signing secrets must be given and non-empty")
    return tuple(s.encode("utf-8") if isinstance(s, str) else bytes(s) for s in listed)


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise MalformedTokenError("the token is malformed") from error
