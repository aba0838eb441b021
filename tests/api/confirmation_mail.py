"""The confirmation emails the API sent (moto's SES is the inbox), and the links in them."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.settings import Settings
from tests.reminders.mime_reading import ReadEmail, read_email

_LINK = re.compile(r"https?://\S+/settings/confirm-email\?token=\S+")


def every_email(settings: Settings) -> list[ReadEmail]:
    """Every email sent so far, oldest first."""
    backend = ses_backends[DEFAULT_ACCOUNT_ID][settings.region]
    return [read_email(message.raw_data.encode("utf-8")) for message in backend.sent_messages]


def emails_to(settings: Settings, address: str) -> list[ReadEmail]:
    """Every email sent to `address` so far, oldest first."""
    return [email for email in every_email(settings) if email.header("To") == address]


def confirmation_path(settings: Settings, address: str) -> str:
    """The path and query of the newest confirmation link emailed to `address`."""
    emails = [email for email in emails_to(settings, address) if _LINK.search(email.text)]
    assert emails, f"no confirmation email to {address}"
    match = _LINK.search(emails[-1].text)
    assert match is not None
    link = urlparse(match.group(0))
    return f"{link.path}?{link.query}"
