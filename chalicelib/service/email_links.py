"""Signed confirmation links: which user asked for which reminder address, provable without a
session, and only until the request lapses.

A token is `v1.<payload>.<signature>` (see `chalicelib.signing`) under its own context, so no
cursor, unsubscribe or other token of the same secret ever verifies as one. The payload names
the tenant, the user, the address and the request's nonce, and expires with the request
(`CONFIRM_EMAIL_WITHIN`): a forged, altered or expired link proves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from chalicelib.domain.types import is_email
from chalicelib.domain.user_settings import PendingEmail
from chalicelib.signing import SignedTokenError, Signer

VERSION = "v1"
CONTEXT = f"rapport-confirm-email.{VERSION}"
# An address is at most 320 characters; refusing long input bounds an attacker's work.
MAX_TOKEN_LENGTH = 2048
PATH = "/settings/confirm-email"
_PREFIX = f"{VERSION}."


class EmailLinkError(Exception):
    """The link is malformed, forged, altered or expired: it proves nothing."""


@dataclass(frozen=True)
class EmailLink:
    """What a genuine link says: this user asked reminders to go to `email` (request `nonce`)."""

    tenant_id: str
    user_id: str
    email: str
    nonce: str


class EmailLinks:
    """Makes and reads the links; the first secret signs, every accepted one verifies."""

    def __init__(
        self, secrets: tuple[str, ...], base_url: str, *, base_url_configured: bool = True
    ) -> None:
        """`base_url` is where the API is reached; when the stage did not configure one (the
        deployed API cannot be told its own URL: it would depend on itself), the URL a
        request came through is used instead, and `base_url` only without one."""
        self._signer = Signer(CONTEXT, secrets, max_length=MAX_TOKEN_LENGTH - len(_PREFIX))
        self._base_url = base_url.rstrip("/")
        self._configured = base_url_configured

    def url(
        self, tenant_id: str, user_id: str, pending: PendingEmail, origin: str | None = None
    ) -> str:
        """The link to email to `pending.email`; it stops working when the request lapses.
        `origin`: the API's URL as the request that asks for it reached it, if known."""
        claims = {"t": tenant_id, "u": user_id, "e": pending.email, "n": pending.nonce}
        token = _PREFIX + self._signer.sign_json(claims, expires_at=pending.expires_at)
        base = self._base_url if self._configured or not origin else origin.rstrip("/")
        return f"{base}{PATH}?{urlencode({'token': token})}"

    def read(self, token: str, now: datetime) -> EmailLink:
        """What a genuine, unexpired link says; EmailLinkError otherwise."""
        if not isinstance(token, str) or not token.startswith(_PREFIX):
            raise EmailLinkError("the link is malformed")
        try:
            claims = self._signer.verify_json(token.removeprefix(_PREFIX), now=now)
        except SignedTokenError as error:
            raise EmailLinkError(str(error)) from error
        return _link(claims)


def _link(claims: dict[str, Any]) -> EmailLink:
    values = [claims.get(name) for name in ("t", "u", "e", "n")]
    if not all(isinstance(value, str) and value for value in values) or not is_email(values[2]):
        raise EmailLinkError("the link's payload is malformed")
    tenant_id, user_id, email, nonce = (str(value) for value in values)
    return EmailLink(tenant_id, user_id, email, nonce)
