"""`cli dev`'s SMTP server: a reply to a reminder from the outbox, sent with `smtplib` as the
README shows, goes through the same handler as SES's deployed, and its answer lands in the
outbox."""

from __future__ import annotations

import re
import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from chalicelib.devstack.stack import DevStack
from chalicelib.domain import events as ev
from chalicelib.eventstore.port import StreamId
from chalicelib.inbound.addresses import AddressKind
from chalicelib.service.email_snoozes import LinkHolder
from tests.api.email_interface_support import STYLES
from tests.api.email_interface_support import reply as client_reply
from tests.devstack.test_cli_dev import REPO
from tests.reminders.mime_reading import read_email

README_SNIPPET = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _reminders(stack: DevStack) -> list[EmailMessage]:
    messages = [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in stack.outbox_messages()
    ]
    return [m for m in messages if m["Reply-To"]]  # type: ignore[misc]


def _answers(stack: DevStack) -> list[EmailMessage]:
    messages = [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in stack.outbox_messages()
    ]
    # Rapport's answers: "Re:" of what they answer, and no Reply-To of their own.
    return [m for m in messages if str(m["Subject"]).startswith("Re: ") and not m["Reply-To"]]


def _first_item(stack: DevStack, reminder: EmailMessage) -> tuple[str, str, str]:
    """(tenant, user, contact) of the reminder's item 1, from the record the sweep kept."""
    addresses = stack.services.inbound_addresses
    assert addresses is not None
    address = addresses.read(str(reminder["Reply-To"]))
    assert address is not None
    assert address.kind is AddressKind.REPLY
    sent = stack.services.adapters.sent_mails.get(
        address.tenant_id, address.user_id, address.mail_id
    )
    assert sent is not None
    return address.tenant_id, address.user_id, sent.items[0].contact_id


def _types(stack: DevStack, tenant: str, contact_id: str) -> list[str]:
    events = stack.services.event_store.load(StreamId(tenant, contact_id)).events
    return [event.type for event in events]


def test_the_banner_names_the_smtp_server(stack: DevStack) -> None:
    from chalicelib.devstack.banner import banner

    assert f"SMTP: 127.0.0.1:{stack.smtp_port}" in banner(stack)


def test_the_readme_snippet_replies_to_the_latest_reminder_and_rapport_answers(
    stack: DevStack, tmp_path: Path
) -> None:
    [snippet] = README_SNIPPET.findall((REPO / "README.md").read_text())
    reminder = _reminders(stack)[-1]
    tenant, _, contact_id = _first_item(stack, reminder)
    answers_before = len(_answers(stack))
    code = snippet.replace('".local/outbox"', repr(str(stack.outbox))).replace(
        "2525", str(stack.smtp_port)
    )

    exec(compile(code, "README.md", "exec"), {})

    assert _types(stack, tenant, contact_id)[-1] == "reminder_snoozed"
    answers = _answers(stack)
    assert len(answers) == answers_before + 1
    assert "snoozed until" in read_email(answers[-1].as_bytes()).text


@pytest.mark.parametrize("style", STYLES)
def test_each_mail_clients_reply_through_smtp_is_recorded_once(stack: DevStack, style: str) -> None:
    reminder = read_email(_reminders(stack)[-1].as_bytes())
    tenant, user, contact_id = _first_item(stack, _reminders(stack)[-1])
    before = _types(stack, tenant, contact_id)
    answered = len(_answers(stack))
    raw = client_reply(reminder, "1 archive", from_=reminder.header("To"), style=style)

    with smtplib.SMTP("127.0.0.1", stack.smtp_port) as smtp:
        smtp.sendmail(reminder.header("To"), [reminder.header("Reply-To")], raw)
        smtp.sendmail(reminder.header("To"), [reminder.header("Reply-To")], raw)  # replayed

    after = _types(stack, tenant, contact_id)
    assert after[len(before) :] == ["contact_archived"]
    answers = _answers(stack)[answered:]
    assert len(answers) == 1  # the replayed message is not answered again
    assert "archived" in read_email(answers[0].as_bytes()).text
    # Put it back for the next style (the same reminder is answered each time).
    stack.services.commands.record_step(LinkHolder(tenant, user), contact_id, ev.ContactReopened())


def test_the_smtp_server_refuses_recipients_of_other_domains(stack: DevStack) -> None:
    with (
        smtplib.SMTP("127.0.0.1", stack.smtp_port) as smtp,
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        smtp.sendmail("a@example.edu", ["someone@example.com"], b"Subject: hi\r\n\r\nhi\r\n")
