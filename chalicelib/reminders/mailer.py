"""The mailer port: how the reminder sweep hands a rendered email to whatever delivers it, and
the MIME form every mailer sends, so that all of them send the same bytes."""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Protocol

from chalicelib.reminders.render import RenderedEmail


class MailError(Exception):
    """Base of every mailer's errors. The sweep retries any of them at its next run."""


class MailThrottledError(MailError):
    """The mail service asked us to slow down or is paused: try again later."""


class MailSendError(MailError):
    """The mail service refused or failed to send; `code` says why, when it said."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class MailOutcomeUnknownError(MailError):
    """The request left but no answer came back (a read timeout): the email may have gone.
    Never retried, so that no reminder is emailed twice."""


class Mailer(Protocol):
    """Delivers one email and returns its message id, or raises a MailError."""

    def send(self, to: str, rendered: RenderedEmail, unsubscribe_url: str) -> str: ...


# SMTP line endings, and no folding of long headers: Python would otherwise fold a long
# List-Unsubscribe URL or turn it into an encoded word, which mail clients cannot follow.
_POLICY = policy.SMTP.clone(max_line_length=998)


def build_message(
    from_address: str,
    to: str,
    rendered: RenderedEmail,
    unsubscribe_url: str,
    sent_at: datetime,
) -> EmailMessage:
    """A multipart/alternative email (text, then HTML) with RFC 8058 one-click unsubscribe."""
    message = EmailMessage(policy=_POLICY)
    message["From"] = from_address
    message["To"] = to
    message["Subject"] = rendered.subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=_domain(from_address))
    # RFC 8058: an https URI in List-Unsubscribe plus this exact Post value means a mail client
    # may unsubscribe with a single POST, without the user visiting the page.
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # RFC 3834: tells auto-responders (vacation replies) not to answer a machine.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def to_bytes(message: EmailMessage) -> bytes:
    """The wire form (CRLF line endings) that SES and .eml readers expect."""
    return message.as_bytes(policy=_POLICY)


def _domain(from_address: str) -> str:
    _, address = parseaddr(from_address)
    try:
        return Address(addr_spec=address).domain or "localhost"
    except (ValueError, IndexError):
        return "localhost"
