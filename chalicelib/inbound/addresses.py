"""Rapport's inbound addresses: `reply+<token>@<domain>` on each reminder email and each user's
`log+<token>@<domain>` for Bcc logging.

A token names its owner (tenant and user) and, for a reply address, the one reminder email it
was made for, and it carries an HMAC-SHA256 over all of that under the unsubscribe secret in a
context of its own ("rapport-inbound.v1", and the kind), so no link or cursor of the same secret
ever verifies as an address, nor a log address as a reply address. The owner part only says
which items to read (every read is a GetItem on the tenant's key); the MAC says the server made
this very address. Several secrets verify (rotation), each compared in constant time.

Mail systems are free to change the case of an address's local part, so the token is base32 in
lower case (read back in any case). The local part comes out longer than RFC 5321's advisory 64
octets for long ids, as GitHub's reply addresses are: the mail systems we target accept it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets as random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from chalicelib.auth.identity import is_valid_id

CONTEXT = b"rapport-inbound.v1"
_VERSION = 1
_MAC_BYTES = 16
_MAIL_ID_BYTES = 10
# Two ids of at most 128 characters each, a mail id and the MAC, in base32: a bound on work.
MAX_TOKEN_LENGTH = 512


class AddressKind(StrEnum):
    REPLY = "reply"
    LOG = "log"


_KIND_BYTES = {AddressKind.REPLY: b"R", AddressKind.LOG: b"L"}


@dataclass(frozen=True)
class InboundAddress:
    """What a genuine address says: whose it is, and for a reply address which email."""

    kind: AddressKind
    tenant_id: str
    user_id: str
    mail_id: str = ""  # hex; "" for a log address


def new_mail_id() -> str:
    """A reminder email's random id (80 bits, hex)."""
    return random.token_hex(_MAIL_ID_BYTES)


class InboundAddresses:
    """Makes and reads the addresses of one inbound domain."""

    def __init__(self, secrets: Sequence[str], domain: str) -> None:
        if not secrets:
            raise ValueError("inbound addresses need at least one secret")
        self._keys = tuple(secret.encode("utf-8") for secret in secrets)
        self._domain = domain.strip().lower()

    @property
    def domain(self) -> str:
        return self._domain

    def reply_address(self, tenant_id: str, user_id: str, mail_id: str) -> str:
        """`reply+<token>@<domain>` for one reminder email."""
        return self._address(InboundAddress(AddressKind.REPLY, tenant_id, user_id, mail_id))

    def log_address(self, tenant_id: str, user_id: str) -> str:
        """The user's own `log+<token>@<domain>`: always the same for one user."""
        return self._address(InboundAddress(AddressKind.LOG, tenant_id, user_id))

    def read(self, address: str) -> InboundAddress | None:
        """What a genuine address of this domain says; None for any other address (another
        domain, a forged or altered token, another kind's prefix)."""
        local, at, domain = address.strip().rpartition("@")
        if not at or domain.lower() != self._domain:
            return None
        prefix, plus, token = local.partition("+")
        try:
            kind = AddressKind(prefix.lower())
        except ValueError:
            return None
        if not plus or len(token) > MAX_TOKEN_LENGTH:
            return None
        return self._verify(kind, token)

    def _address(self, address: InboundAddress) -> str:
        if not (is_valid_id(address.tenant_id) and is_valid_id(address.user_id)):
            raise ValueError("an inbound address needs valid tenant and user ids")
        payload = _payload(address)
        token = _encode(payload + self._mac(self._keys[0], address.kind, payload))
        return f"{address.kind.value}+{token}@{self._domain}"

    def _verify(self, kind: AddressKind, token: str) -> InboundAddress | None:
        raw = _decode(token)
        if raw is None or len(raw) <= _MAC_BYTES:
            return None
        payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
        matches = [hmac.compare_digest(self._mac(key, kind, payload), mac) for key in self._keys]
        if not any(matches):
            return None
        address = _parsed(kind, payload)
        # Only the canonical encoding is an address: one address has one spelling (but case).
        if address is None or _encode(raw) != token.lower():
            return None
        return address

    def _mac(self, key: bytes, kind: AddressKind, payload: bytes) -> bytes:
        message = CONTEXT + b"\x00" + _KIND_BYTES[kind] + b"\x00" + payload
        return hmac.new(key, message, hashlib.sha256).digest()[:_MAC_BYTES]


def _payload(address: InboundAddress) -> bytes:
    parts = [address.tenant_id.encode(), address.user_id.encode()]
    if address.kind is AddressKind.REPLY:
        parts.append(bytes.fromhex(address.mail_id))
    return bytes([_VERSION]) + b"".join(len(part).to_bytes(1, "big") + part for part in parts)


def _parsed(kind: AddressKind, payload: bytes) -> InboundAddress | None:
    if not payload or payload[0] != _VERSION:
        return None
    parts: list[bytes] = []
    at = 1
    while at < len(payload):
        size = payload[at]
        part = payload[at + 1 : at + 1 + size]
        if len(part) != size:
            return None
        parts.append(part)
        at += 1 + size
    expected = 3 if kind is AddressKind.REPLY else 2
    if len(parts) != expected:
        return None
    try:
        tenant_id, user_id = parts[0].decode(), parts[1].decode()
    except UnicodeDecodeError:
        return None
    if not (is_valid_id(tenant_id) and is_valid_id(user_id)):
        return None
    mail_id = parts[2].hex() if kind is AddressKind.REPLY else ""
    if kind is AddressKind.REPLY and len(parts[2]) != _MAIL_ID_BYTES:
        return None
    return InboundAddress(kind, tenant_id, user_id, mail_id)


def _encode(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def _decode(token: str) -> bytes | None:
    text = token.upper()
    try:
        return base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        return None
