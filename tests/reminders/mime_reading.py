"""Reads a sent email back the way a mail client would."""

from __future__ import annotations

from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass(frozen=True)
class ReadEmail:
    message: EmailMessage
    text: str
    html: str

    def header(self, name: str) -> str:
        return str(self.message[name])


def read_email(raw: bytes) -> ReadEmail:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    assert text_part is not None
    assert html_part is not None
    # On the wire lines end in CRLF; a mail client shows them as plain line breaks.
    return ReadEmail(
        message,
        text_part.get_content().replace("\r\n", "\n"),
        html_part.get_content().replace("\r\n", "\n"),
    )
