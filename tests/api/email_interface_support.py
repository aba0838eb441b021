"""For tests of the email interface: a world with an inbound domain, reminders read from the
real sweep's emails, replies as a mail client writes them, and Rapport's answers read back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape
from typing import Any
from urllib.parse import quote_plus, urlparse

import pytest

from chalicelib.bootstrap import Services
from chalicelib.domain import events as ev
from chalicelib.eventstore.port import StoredEvent, StreamId
from tests.api.conftest import Api, body_of
from tests.reminders.mime_reading import ReadEmail
from tests.reminders.sweep_support import World

INBOUND_DOMAIN = "in.rapport.example"
INBOUND_BUCKET = "test-inbound-mail"
ADA = "ada@example.com"
# The sweep runs in ada's reminder window (09:00 UTC by default) the morning after T0.
FRIDAY_9 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
_UNDO = re.compile(r"https?://\S+/undo\?token=\S+")


@pytest.fixture
def env(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The test stage with the email interface on."""
    monkeypatch.setenv("INBOUND_DOMAIN", INBOUND_DOMAIN)
    monkeypatch.setenv("INBOUND_BUCKET", INBOUND_BUCKET)
    return {**env, "INBOUND_DOMAIN": INBOUND_DOMAIN, "INBOUND_BUCKET": INBOUND_BUCKET}


def s3_event(bucket: str, key: str) -> dict[str, Any]:
    """The notification S3 sends the Lambda when SES has stored a message (its real shape,
    trimmed to what is read; keys arrive URL-encoded)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "us-east-1",
                "eventTime": "2026-11-27T09:05:00.000Z",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "inbound-mail",
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": quote_plus(key), "size": 1024, "eTag": "0123"},
                },
            }
        ]
    }


def as_ses_stores_it(raw: bytes, recipient: str, *, spf: str = "PASS", dkim: str = "PASS") -> bytes:
    """The message with the headers SES prepends when its S3 action stores it: who it was for
    (a Bcc recipient appears nowhere else) and its verdicts."""
    verdicts = (
        f"Return-Path: <{ADA}>\r\n"
        "Received: from mail-wr1-f41.google.com (mail-wr1-f41.google.com [209.85.221.41]) by "
        "inbound-smtp.us-east-1.amazonaws.com with SMTP id 7m1c2s3p4q5r6s7t8u9v for "
        f"{recipient}; Fri, 27 Nov 2026 09:05:00 +0000 (UTC)\r\n"
        f"X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n"
        f"Received-SPF: {spf.lower()} (spfCheck: domain of example.edu designates "
        "209.85.221.41 as permitted sender) client-ip=209.85.221.41;\r\n"
        f"Authentication-Results: amazonses.com; spf={spf.lower()} "
        f"(spfCheck: domain of example.edu designates 209.85.221.41 as permitted sender) "
        f"smtp.mailfrom={ADA}; dkim={dkim.lower()} header.i=@example.edu; "
        "dmarc=pass header.from=example.edu;\r\n"
    )
    return verdicts.encode() + raw


@dataclass
class Inbox:
    """What Rapport sent, in order, read as a mail client reads it."""

    world: World

    def emails(self) -> list[ReadEmail]:
        return self.world.emails()

    def answers(self) -> list[ReadEmail]:
        """Rapport's answers to inbound mail (not reminders, not confirmations)."""
        return [email for email in self.emails() if email.message["In-Reply-To"] is not None]


def add_contact(api: Api, name: str, **details: Any) -> str:
    created = api.call("POST", "/contacts", {"name": name, **details}, token=api.token())
    assert created.status_code == 201, body_of(created)
    return str(body_of(created)["contact_id"])


def contact(api: Api, contact_id: str) -> dict[str, Any]:
    response = api.call("GET", f"/contacts/{contact_id}", token=api.token())
    assert response.status_code == 200, body_of(response)
    return dict(body_of(response))


def events_of(services: Services, contact_id: str) -> tuple[StoredEvent, ...]:
    return services.event_store.load(StreamId("acme", contact_id)).events


def step_types(services: Services, contact_id: str) -> list[str]:
    return [event.type for event in events_of(services, contact_id)]


def morning_reminder(world: World) -> ReadEmail:
    """The one reminder email the morning sweep sends ada."""
    world.sweep(FRIDAY_9)
    reminders = [email for email in world.emails() if email.message["Reply-To"] is not None]
    assert len(reminders) == 1, [email.header("Subject") for email in world.emails()]
    return reminders[-1]


# How mail clients write a reply (the shapes the Done-when of issue 12 names).
STYLES = (
    "gmail",  # text/plain, "On … wrote:" and "> " quotes
    "gmail-multipart",  # multipart/alternative, the HTML with div.gmail_quote
    "outlook",  # multipart/alternative, "From: … Sent: …" header block, HTML divRplyFwdMsg
    "html-only",  # text/html only (Apple Mail, some webmails)
    "quoted-printable",  # an accented signature, QP-encoded
    "latin-1",  # text/plain in ISO-8859-1
)


def reply(
    reminder: ReadEmail,
    body: str,
    *,
    from_: str = ADA,
    to: str | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    style: str = "gmail",
) -> bytes:
    """A reply to `reminder` as a mail client writes one: `body` above the quoted reminder."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = from_
    message["To"] = to or reminder.header("Reply-To")
    message["Subject"] = "Re: " + reminder.header("Subject")
    message["Date"] = format_datetime(FRIDAY_9)
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.edu")
    message["In-Reply-To"] = reminder.header("Message-ID")
    for name, value in (headers or {}).items():
        message[name] = value
    quoted = "\n".join(f"> {line}" for line in reminder.text.splitlines())
    gmail = "On Fri, 27 Nov 2026 at 09:00, Rapport <reminders@rapport.example> wrote:"
    outlook = (
        "________________________________\nFrom: Rapport <reminders@rapport.example>\n"
        "Sent: Friday, November 27, 2026 9:00 AM\nTo: Ada <ada@example.edu>\n"
        f"Subject: {reminder.header('Subject')}"
    )
    html_body = "".join(f"<div>{escape(line)}</div>" for line in body.splitlines())
    if style == "gmail":
        message.set_content(f"{body}\n\n{gmail}\n{quoted}\n")
    elif style == "gmail-multipart":
        message.set_content(f"{body}\n\n{gmail}\n{quoted}\n")
        message.add_alternative(
            f'<div dir="ltr">{html_body}</div><br><div class="gmail_quote">'
            f'<div class="gmail_attr">{escape(gmail)}</div><blockquote class="gmail_quote">'
            f"{reminder.html}</blockquote></div>",
            subtype="html",
        )
    elif style == "outlook":
        message.set_content(f"{body}\n\n{outlook}\n\n{reminder.text}\n")
        message.add_alternative(
            f"<html><body><div>{html_body}</div><hr>"
            f'<div id="divRplyFwdMsg"><b>From:</b> Rapport &lt;reminders@rapport.example&gt;'
            f"<br><b>Sent:</b> Friday, November 27, 2026 9:00 AM</div>{reminder.html}"
            "</body></html>",
            subtype="html",
        )
    elif style == "html-only":
        message.set_content(
            f"<html><body>{html_body}<br><div>{escape(gmail)}</div>"
            f'<blockquote type="cite">{reminder.html}</blockquote></body></html>',
            subtype="html",
        )
    elif style == "quoted-printable":
        message.set_content(
            f"{body}\n\nAda Lovelace — étudiante, café crème\n\n{gmail}\n{quoted}\n",
            cte="quoted-printable",
        )
    elif style == "latin-1":
        message.set_content(
            f"{body}\n\nMerci, Adélaïde\n\n{gmail}\n{quoted}\n", charset="iso-8859-1"
        )
    else:
        raise ValueError(f"unknown style {style!r}")
    return message.as_bytes()


def undo_paths(answer: ReadEmail) -> list[str]:
    """The path and query of each undo link in an answer's text, in order."""
    found = []
    for url in _UNDO.findall(answer.text):
        parsed = urlparse(url)
        found.append(f"{parsed.path}?{parsed.query}")
    return found


def retracted(services: Services, contact_id: str) -> list[ev.StepRetracted]:
    return [
        ev.StepRetracted.model_validate(event.data)
        for event in events_of(services, contact_id)
        if event.type == ev.StepRetracted.event_type
    ]
