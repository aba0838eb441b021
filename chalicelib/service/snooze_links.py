"""Signed snooze links: "put this step off 3 days", one click from a reminder email, provable
without a session, and only for 30 days after the email left.

A token is `v1.<payload>.<signature>` (see `chalicelib.signing`) under its own context, so no
unsubscribe, confirmation, cursor or other token of the same secret ever verifies as one. The
payload names the tenant, the user, the contact and the action the email's item is about, and
expires `VALID_FOR` after the email was made: a forged, altered or expired link proves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib.auth.identity import is_valid_id
from chalicelib.domain.vocabulary import Action
from chalicelib.signing import SignedTokenError, Signer

VERSION = "v1"
CONTEXT = f"rapport-snooze.{VERSION}"
PATH = "/snooze"
VALID_FOR = timedelta(days=30)
# Ids are short (see `auth.identity`); refusing long input bounds the work an attacker causes.
MAX_TOKEN_LENGTH = 2048
MAX_CONTACT_ID_LENGTH = 128
_PREFIX = f"{VERSION}."
_ACTIONS = frozenset(action.value for action in Action)


class SnoozeLinkError(Exception):
    """The link is malformed, forged, altered or expired: it proves nothing."""


@dataclass(frozen=True)
class SnoozeLink:
    """What a genuine link says: this user may put off this action of this contact."""

    tenant_id: str
    user_id: str
    contact_id: str
    action: Action


class SnoozeLinks:
    """Makes and reads the links; the first secret signs, every accepted one verifies."""

    def __init__(self, secrets: tuple[str, ...], base_url: str) -> None:
        """`secrets`: the unsubscribe secret's accepted values, newest first; `base_url`: where
        the API is reached (the stage's `APP_BASE_URL`, as the unsubscribe link's)."""
        self._signer = Signer(CONTEXT, secrets, max_length=MAX_TOKEN_LENGTH - len(_PREFIX))
        self._base_url = base_url.rstrip("/")

    def token(
        self, tenant_id: str, user_id: str, contact_id: str, action: Action, now: datetime
    ) -> str:
        """The token of a link made `now` (the email's sending time), valid `VALID_FOR`."""
        link = SnoozeLink(tenant_id, user_id, contact_id, Action(action))
        if not _well_formed(link):
            raise ValueError("a snooze link needs valid tenant, user and contact ids")
        claims = {"t": tenant_id, "u": user_id, "c": contact_id, "a": link.action.value}
        return _PREFIX + self._signer.sign_json(claims, expires_at=now + VALID_FOR)

    def url(
        self, tenant_id: str, user_id: str, contact_id: str, action: Action, now: datetime
    ) -> str:
        """The one-click link for an email's item; it stops working `VALID_FOR` after `now`."""
        token = self.token(tenant_id, user_id, contact_id, action, now)
        return f"{self._base_url}{PATH}?{urlencode({'token': token})}"

    def read(self, token: object, now: datetime) -> SnoozeLink:
        """What a genuine, unexpired link says; SnoozeLinkError otherwise."""
        if not isinstance(token, str) or not token.startswith(_PREFIX):
            raise SnoozeLinkError("the link is malformed")
        try:
            claims = self._signer.verify_json(token.removeprefix(_PREFIX), now=now)
        except SignedTokenError as error:
            raise SnoozeLinkError(str(error)) from error
        return _link(claims)


def _link(claims: dict[str, Any]) -> SnoozeLink:
    values = [claims.get(name) for name in ("t", "u", "c", "a")]
    if not all(isinstance(value, str) for value in values):
        raise SnoozeLinkError("the link's payload is malformed")
    tenant_id, user_id, contact_id, action = (str(value) for value in values)
    if action not in _ACTIONS:
        raise SnoozeLinkError("the link's payload is malformed")
    link = SnoozeLink(tenant_id, user_id, contact_id, Action(action))
    if not _well_formed(link):
        raise SnoozeLinkError("the link's payload is malformed")
    return link


def _well_formed(link: SnoozeLink) -> bool:
    return (
        is_valid_id(link.tenant_id)
        and is_valid_id(link.user_id)
        and 0 < len(link.contact_id) <= MAX_CONTACT_ID_LENGTH
    )
