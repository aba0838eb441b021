"""Signed invitation links: `<app>/join?token=…`, single-use and expiring.

The token (`v1.<payload>.<signature>`, see `chalicelib.signing`) is signed with the unsubscribe
secret under its own context, so no other token of that secret verifies as one. It names the
tenant, the invitation's key and its random id, and expires with the invitation: a forged,
altered or expired token proves nothing, and one whose invitation was replaced, revoked or used
no longer matches the stored invitation (checked by the caller, with the store).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from chalicelib.auth.identity import is_valid_id
from chalicelib.signing import SignedTokenError, Signer, TokenExpiredError

VERSION = "v1"
CONTEXT = f"rapport-invite.{VERSION}"
MAX_TOKEN_LENGTH = 1024
PATH = "/join"
_PREFIX = f"{VERSION}."
_KEY = re.compile(r"[0-9a-f]{32}")
_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


class InviteLinkError(Exception):
    """The link is malformed, forged or altered: it proves nothing."""


class InviteLinkExpiredError(InviteLinkError):
    """A genuine link whose invitation has lapsed."""


@dataclass(frozen=True)
class InviteLink:
    """What a genuine link says: invitation `invite_id` of `tenant_id`, stored under `key`."""

    tenant_id: str
    key: str
    invite_id: str


class InviteLinks:
    """Makes and reads the links; the first secret signs, every accepted one verifies."""

    def __init__(self, secrets: tuple[str, ...], base_url: str) -> None:
        self._signer = Signer(CONTEXT, secrets, max_length=MAX_TOKEN_LENGTH - len(_PREFIX))
        self._base_url = base_url.rstrip("/")

    def token(self, link: InviteLink, expires_at: datetime) -> str:
        claims = {"t": link.tenant_id, "k": link.key, "i": link.invite_id}
        return _PREFIX + self._signer.sign_json(claims, expires_at=expires_at)

    def url(self, link: InviteLink, expires_at: datetime) -> str:
        return f"{self._base_url}{PATH}?{urlencode({'token': self.token(link, expires_at)})}"

    def read(self, token: object, now: datetime) -> InviteLink:
        """What a genuine, unexpired link says; InviteLinkError (or its Expired kind) if not."""
        if not isinstance(token, str) or not token.startswith(_PREFIX):
            raise InviteLinkError("the link is malformed")
        try:
            claims = self._signer.verify_json(token.removeprefix(_PREFIX), now=now)
        except TokenExpiredError as error:
            raise InviteLinkExpiredError(str(error)) from error
        except SignedTokenError as error:
            raise InviteLinkError(str(error)) from error
        return _link(claims)


def _link(claims: dict[str, Any]) -> InviteLink:
    tenant, key, invite_id = (claims.get(name) for name in ("t", "k", "i"))
    if not (
        is_valid_id(tenant)
        and isinstance(key, str)
        and _KEY.fullmatch(key)
        and isinstance(invite_id, str)
        and _ID.fullmatch(invite_id)
    ):
        raise InviteLinkError("the link's payload is malformed")
    return InviteLink(str(tenant), key, invite_id)
