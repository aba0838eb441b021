"""Snooze links for tests: made as the sweep makes them, or read from an email it sent."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlencode, urlparse

from chalicelib.domain.vocabulary import Action
from chalicelib.reminders.unsubscribe import accepted_secrets
from chalicelib.service.snooze_links import SnoozeLinks
from chalicelib.settings import Settings

_LINK = re.compile(r"https?://\S+/snooze\?token=\S+")


def snooze_token(
    settings: Settings, tenant: str, user: str, contact: str, action: Action, now: datetime
) -> str:
    """A genuine token, signed with the stage's secret, made `now`."""
    links = SnoozeLinks(accepted_secrets(settings.unsubscribe_secret), settings.app_base_url)
    return links.token(tenant, user, contact, action, now)


def snooze_path(token: str) -> str:
    return f"/snooze?{urlencode({'token': token})}"


def snooze_paths_in(text: str) -> list[str]:
    """The path and query of every snooze link in an email's text, in order."""
    found = []
    for match in _LINK.finditer(text):
        link = urlparse(match.group(0))
        found.append(f"{link.path}?{link.query}")
    return found
