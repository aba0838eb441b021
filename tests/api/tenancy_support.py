"""Invitations as a test sees them: the emails in moto's SES, the links in them, and joining
through them."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from chalicelib.settings import Settings
from tests.api.confirmation_mail import emails_to, every_email
from tests.api.conftest import Api, body_of

_JOIN_LINK = re.compile(r"https?://\S+/join\?token=\S+")
COACH = {"user": "carla", "roles": ["coach"]}
ADMIN = {"user": "ana", "roles": ["admin"]}
STUDENT = {"user": "sam"}


def as_(api: Api, who: dict[str, Any], tenant: str = "acme") -> str:
    return api.token(tenant=tenant, user=who["user"], roles=who.get("roles", ()))


def invite(api: Api, token: str, *emails: str, role: str | None = None) -> Any:
    body: dict[str, Any] = {"emails": list(emails)}
    if role is not None:
        body["role"] = role
    return api.call("POST", "/tenant/invites", body, token=token)


def join_token(api: Api, address: str) -> str:
    """The token of the newest invitation link emailed to `address`."""
    return join_token_of(api.settings, address)


def join_token_of(settings: Settings, address: str) -> str:
    """The token of the newest invitation link emailed to `address` (moto's SES)."""
    emails = [email for email in emails_to(settings, address) if _JOIN_LINK.search(email.text)]
    assert emails, f"no invitation email to {address}"
    match = _JOIN_LINK.search(emails[-1].text)
    assert match is not None
    return parse_qs(urlparse(match.group(0)).query)["token"][0]


def join_tokens_of(settings: Settings, addresses: list[str]) -> dict[str, str]:
    """The newest invitation token emailed to each of `addresses`, reading the outbox once."""
    wanted = set(addresses)
    found: dict[str, str] = {}
    for email in every_email(settings):
        to = email.header("To")
        match = _JOIN_LINK.search(email.text) if to in wanted else None
        if match is not None:
            found[to] = parse_qs(urlparse(match.group(0)).query)["token"][0]
    assert set(found) == wanted, sorted(wanted - set(found))
    return found


def join(api: Api, token: str) -> Any:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return api.call("POST", f"/join?token={token}", headers=headers, raw=b"")


def joined(api: Api, address: str) -> str:
    """Joins through the newest link emailed to `address`; the new member's bearer token."""
    response = join(api, join_token(api, address))
    assert response.status_code == 201, body_of(response)
    return str(body_of(response)["token"])
