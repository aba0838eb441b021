"""A Mailer for development: each email becomes an .eml file that any mail app can open."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from chalicelib.clock import Clock, SystemClock
from chalicelib.reminders.mailer import MailSendError, build_message, to_bytes
from chalicelib.reminders.render import RenderedEmail

DEFAULT_FROM = "reminders@rapport.example"


class OutboxMailer:
    """Writes every email, byte for byte as SES would receive it, to `directory`."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        from_address: str = DEFAULT_FROM,
        clock: Clock | None = None,
    ) -> None:
        self.directory = Path(directory)
        self._from = from_address
        self._clock = clock or SystemClock()

    def send(self, to: str, rendered: RenderedEmail, unsubscribe_url: str | None) -> str:
        sent_at = self._clock.now()
        message = build_message(self._from, to, rendered, unsubscribe_url, sent_at)
        message_id = str(message["Message-ID"]).strip("<>")
        # Sortable by time; the message id's local part keeps names unique within a second.
        name = f"{sent_at:%Y%m%dT%H%M%SZ}-{message_id.split('@')[0]}.eml"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomically(self.directory / name, to_bytes(message))
        except OSError as error:
            raise MailSendError(f"could not write {name} to the outbox: {error}") from error
        return message_id

    def messages(self) -> list[Path]:
        """The .eml files written so far, oldest first."""
        return sorted(self.directory.glob("*.eml"))


def write_atomically(path: Path, data: bytes) -> None:
    # A reader polling the folder (the dev runner, a test) never sees half an email.
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
