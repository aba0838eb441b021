"""The mailer port: how the reminder sweep hands a rendered email to whatever delivers it, and
the MIME form every mailer sends, so that all of them send the same bytes."""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Protocol

from chalicelib.domain.types import is_email
from chalicelib.reminders.headers import header_text
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


class MailRejectedError(MailSendError):
    """Sending this email again would be refused again: the mail service rejected the address
    or the message (SES `MessageRejected`, a bad parameter), or no valid message could be built
    for it. Nothing left, so claims go back; the sweep reports it apart from passing failures."""


class MailOutcomeUnknownError(MailError):
    """The request left but no answer came back (a read timeout): the email may have gone.
    Never retried, so that no reminder is emailed twice."""


class Mailer(Protocol):
    """Delivers one email and returns its message id, or raises a MailError. Reminders carry
    an unsubscribe link; a confirmation email (`unsubscribe_url=None`) has none."""

    def send(self, to: str, rendered: RenderedEmail, unsubscribe_url: str | None) -> str: ...


# SMTP line endings, and no folding of long headers: Python would otherwise fold a long
# List-Unsubscribe URL or turn it into an encoded word, which mail clients cannot follow.
_POLICY = policy.SMTP.clone(max_line_length=998)


def build_message(
    from_address: str,
    to: str,
    rendered: RenderedEmail,
    unsubscribe_url: str | None,
    sent_at: datetime,
) -> EmailMessage:
    """A multipart/alternative email (text, then HTML), with RFC 8058 one-click unsubscribe
    when it has an unsubscribe link. MailRejectedError when `to` is not one address this
    mailer can write, or a header cannot be built: every mailer calls this before sending,
    so such an email never leaves, and its claims are never held for it."""
    if not is_email(to):
        raise MailRejectedError("the recipient is not a single plain email address", "BadAddress")
    try:
        return _message(from_address, to, rendered, unsubscribe_url, sent_at)
    except Exception as error:
        # Building does no I/O, so whatever failed (the `email` package raises more than
        # MessageError and ValueError on odd input), nothing left: refuse, never hold a claim.
        raise MailRejectedError(f"the email could not be built: {error!r}", "BadMessage") from error


def _message(
    from_address: str,
    to: str,
    rendered: RenderedEmail,
    unsubscribe_url: str | None,
    sent_at: datetime,
) -> EmailMessage:
    message = EmailMessage(policy=_POLICY)
    message["From"] = from_address
    # From the parsed address, never the raw text: a header gets exactly this one mailbox.
    message["To"] = Address(addr_spec=to)
    message.set_raw("Subject", encoded_header("Subject", rendered.subject))
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=_domain(from_address))
    if unsubscribe_url is not None:
        # RFC 8058: an https URI in List-Unsubscribe plus this exact Post value means a mail
        # client may unsubscribe with a single POST, without the user visiting the page.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # RFC 3834: tells auto-responders (vacation replies) not to answer a machine.
    message["Auto-Submitted"] = "auto-generated"
    for name, value in rendered.headers:
        message[name] = value
    message.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for attachment in rendered.attachments:
        # The alternative parts become the first part of a multipart/mixed message.
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params=dict(attachment.params),
        )
    return message


def encoded_header(name: str, value: str) -> str:
    """User text as a header's wire value, encoded here rather than by the policy: without
    control characters (see `headers`), plain when ASCII, else RFC 2047 encoded words of at
    most 75 characters on folded lines (the policy, which must not fold List-Unsubscribe,
    would write one encoded word of any length)."""
    text = header_text(value)
    if text.isascii():
        return text
    return Header(text, "utf-8", maxlinelen=76, header_name=name).encode(linesep="\r\n")


def to_bytes(message: EmailMessage) -> bytes:
    """The wire form (CRLF line endings) that SES and .eml readers expect."""
    return message.as_bytes(policy=_POLICY)


def _domain(from_address: str) -> str:
    _, address = parseaddr(from_address)
    try:
        return Address(addr_spec=address).domain or "localhost"
    except (ValueError, IndexError):
        return "localhost"
