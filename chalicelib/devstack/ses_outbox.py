"""Copies every email sent through the embedded SES into the outbox folder as an `.eml` file.

The dev stack's own sweep writes to the outbox directly (OutboxMailer). Other commands run
against the stack (`remind` with AWS_ENDPOINT_URL) send through SES instead; their emails land
in moto's memory, in this process, and this mirror makes them appear in the outbox too, so the
outbox really holds every email the system sent.
"""

from __future__ import annotations

import os
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from moto.ses.models import RawMessage, ses_backends

from chalicelib.adapters.outbox_mailer import write_atomically
from chalicelib.clock import Clock, SystemClock


class SesOutboxMirror:
    """Writes each message moto's SES has accepted, once, to `directory`."""

    def __init__(self, directory: str | os.PathLike[str], clock: Clock | None = None) -> None:
        self.directory = Path(directory)
        self._clock = clock or SystemClock()
        self._exported: set[str] = set()

    def export_new(self) -> list[Path]:
        """Writes the messages not exported yet; returns the files written."""
        written: list[Path] = []
        for message in _sent_messages():
            message_id = str(getattr(message, "id", ""))
            if not message_id or message_id in self._exported:
                continue
            content = _mime_bytes(message)
            if content is None:
                continue
            self.directory.mkdir(parents=True, exist_ok=True)
            # The outbox's one naming scheme (OutboxMailer's): time first, so `ls` sorts.
            path = self.directory / f"{self._clock.now():%Y%m%dT%H%M%SZ}-ses-{message_id}.eml"
            write_atomically(path, content)
            self._exported.add(message_id)
            written.append(path)
        return written


def _sent_messages() -> list[Any]:
    # Plain dict views: moto's own __getitem__ would create backends for every region.
    messages: list[Any] = []
    for account in list(dict.values(ses_backends)):
        for backend in list(dict.values(account)):
            messages.extend(list(backend.sent_messages))
    return messages


def _mime_bytes(message: Any) -> bytes | None:
    if isinstance(message, RawMessage):
        return message.raw_data.encode("utf-8")
    subject, body = getattr(message, "subject", None), getattr(message, "body", None)
    if subject is None or body is None:
        return None  # templated sends: moto keeps no rendered content to show
    simple = EmailMessage()
    simple["From"] = message.source
    simple["To"] = ", ".join(message.destinations.get("ToAddresses", []))
    simple["Subject"] = subject
    simple["Message-ID"] = f"<{message.id}>"
    simple.set_content(body)
    return simple.as_bytes()
