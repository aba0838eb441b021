"""Signed undo links: "take back the step Rapport just recorded from your email", one click
from the answer to a reply (or to a Bcc'd email), for 30 days.

A token is `v1.<payload>.<signature>` (see `chalicelib.signing`) under its own context, so no
snooze, unsubscribe or other token of the same secret ever verifies as one. The payload names
the tenant, the user, the contact and the version the recorded step gave the contact: the undo
retracts that step only while it is still the contact's latest (`If-Match`), so a link never
takes back something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib.auth.identity import is_valid_id
from chalicelib.signing import SignedTokenError, Signer

VERSION = "v1"
CONTEXT = f"rapport-undo.{VERSION}"
PATH = "/undo"
VALID_FOR = timedelta(days=30)
MAX_TOKEN_LENGTH = 2048
MAX_CONTACT_ID_LENGTH = 128
_PREFIX = f"{VERSION}."


class UndoLinkError(Exception):
    """The link is malformed, forged, altered or expired: it proves nothing."""


@dataclass(frozen=True)
class UndoLink:
    """What a genuine link says: this user may retract the step at `version` of this contact."""

    tenant_id: str
    user_id: str
    contact_id: str
    version: int


class UndoLinks:
    """Makes and reads the links; the first secret signs, every accepted one verifies."""

    def __init__(self, secrets: tuple[str, ...], base_url: str) -> None:
        self._signer = Signer(CONTEXT, secrets, max_length=MAX_TOKEN_LENGTH - len(_PREFIX))
        self._base_url = base_url.rstrip("/")

    def url(self, link: UndoLink, now: datetime) -> str:
        if not _well_formed(link):
            raise ValueError("an undo link needs valid ids and a version")
        claims = {"t": link.tenant_id, "u": link.user_id, "c": link.contact_id, "v": link.version}
        token = _PREFIX + self._signer.sign_json(claims, expires_at=now + VALID_FOR)
        return f"{self._base_url}{PATH}?{urlencode({'token': token})}"

    def read(self, token: object, now: datetime) -> UndoLink:
        """What a genuine, unexpired link says; UndoLinkError otherwise."""
        if not isinstance(token, str) or not token.startswith(_PREFIX):
            raise UndoLinkError("the link is malformed")
        try:
            claims = self._signer.verify_json(token.removeprefix(_PREFIX), now=now)
        except SignedTokenError as error:
            raise UndoLinkError(str(error)) from error
        return _link(claims)


def _link(claims: dict[str, Any]) -> UndoLink:
    tenant_id, user_id, contact_id, version = (claims.get(k) for k in ("t", "u", "c", "v"))
    if not all(isinstance(value, str) for value in (tenant_id, user_id, contact_id)):
        raise UndoLinkError("the link's payload is malformed")
    if isinstance(version, bool) or not isinstance(version, int):
        raise UndoLinkError("the link's payload is malformed")
    link = UndoLink(str(tenant_id), str(user_id), str(contact_id), version)
    if not _well_formed(link):
        raise UndoLinkError("the link's payload is malformed")
    return link


def _well_formed(link: UndoLink) -> bool:
    return (
        is_valid_id(link.tenant_id)
        and is_valid_id(link.user_id)
        and 0 < len(link.contact_id) <= MAX_CONTACT_ID_LENGTH
        and link.version >= 1
    )
