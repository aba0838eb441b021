"""A Mailer that keeps what it sends, byte for byte: the sweep's unit tests read it back."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from chalicelib.clock import Clock
from chalicelib.reminders.mailer import MailError, build_message, to_bytes
from chalicelib.reminders.render import RenderedEmail


@dataclass(frozen=True)
class SentEmail:
    to: str
    message_id: str
    raw: bytes


class MemoryMailer:
    """Records every email as SES would receive it; `fail_with` makes sends raise."""

    def __init__(self, from_address: str, clock: Clock) -> None:
        self.sent: list[SentEmail] = []
        self.fail_with: MailError | None = None
        self._from = from_address
        self._clock = clock
        self._lock = threading.Lock()

    def send(self, to: str, rendered: RenderedEmail, unsubscribe_url: str | None) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        message = build_message(self._from, to, rendered, unsubscribe_url, self._clock.now())
        message_id = str(message["Message-ID"]).strip("<>")
        with self._lock:
            self.sent.append(SentEmail(to, message_id, to_bytes(message)))
        return message_id
