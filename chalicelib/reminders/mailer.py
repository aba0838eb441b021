"""The mailer port: how the reminder sweep hands a rendered email to whatever delivers it."""

from __future__ import annotations

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
