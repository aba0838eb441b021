"""Tokens that carry their owner: webhook `hook_id`s and calendar feed secrets.

A request that arrives with no bearer token (a provider's delivery, a calendar app's poll) must
still be answered with one GetItem on a key that starts with the tenant: the token therefore
starts with its owner's tenant and user (base64url, not secret: they are opaque ids), then a
random part that is the credential. The owner part only says which item to read; what is
checked is the random part, against that item, in constant time.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass

_SEPARATOR = "\x1f"
# A generous bound: a tenant and a user id of 128 characters each, and the random part.
_MAX_LENGTH = 512
_TOKEN = re.compile(r"^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{32,128})$")


@dataclass(frozen=True)
class Owner:
    tenant_id: str
    user_id: str


@dataclass(frozen=True)
class OwnerToken:
    owner: Owner
    credential: str

    def __str__(self) -> str:
        return f"{owner_part(self.owner)}.{self.credential}"


def owner_part(owner: Owner) -> str:
    raw = f"{owner.tenant_id}{_SEPARATOR}{owner.user_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def random_credential() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def parse(token: str) -> OwnerToken | None:
    """The owner and credential of a well-formed token; None for anything else (a 404)."""
    if len(token) > _MAX_LENGTH:
        return None
    match = _TOKEN.match(token)
    if match is None:
        return None
    encoded, credential = match.groups()
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    tenant_id, separator, user_id = raw.partition(_SEPARATOR)
    if not separator or not tenant_id or not user_id or _SEPARATOR in user_id:
        return None
    # Only the canonical encoding names an owner, so one owner has exactly one spelling.
    if owner_part(Owner(tenant_id, user_id)) != encoded:
        return None
    return OwnerToken(Owner(tenant_id, user_id), credential)
