"""The email that proves a new reminder address is the user's: sent through the same mailer
port as reminders (SES deployed, the outbox locally, memory in tests)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.clock import Clock
from chalicelib.reminders.mailer import Mailer, MailError, MailRejectedError
from chalicelib.reminders.render import render_confirmation
from chalicelib.service.settings_changes import ConfirmationNotSentError


class ConfirmationMail:
    """Emails a confirmation link; says whether a failure was the address's or passing."""

    def __init__(self, mailer: Mailer, clock: Clock) -> None:
        self._mailer = mailer
        self._clock = clock

    def send(self, to: str, link: str, expires_at: datetime) -> None:
        hours = max(1, round((expires_at - self._clock.now()).total_seconds() / 3600))
        rendered = render_confirmation(to, link, hours)
        try:
            # No unsubscribe link: this email is the one the user just asked for.
            self._mailer.send(to, rendered, None)
        except MailRejectedError as error:
            raise ConfirmationNotSentError(str(error), refused=True) from error
        except MailError as error:
            # Throttled, unreachable, or no answer: nothing is saved, so the user asks again.
            raise ConfirmationNotSentError(str(error), refused=False) from error
