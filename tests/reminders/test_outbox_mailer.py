"""The development mailer: each email lands as an .eml file a mail app can open."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from chalicelib.adapters.outbox_mailer import OutboxMailer
from chalicelib.clock import FixedClock
from chalicelib.domain.vocabulary import Action
from chalicelib.reminders.render import render_digest
from tests.reminders.builders import UNSUBSCRIBE, digest, reminder_item
from tests.reminders.mime_reading import read_email


def test_an_email_is_written_as_a_parseable_eml_file(tmp_path: Path, clock: FixedClock) -> None:
    outbox = OutboxMailer(tmp_path / "outbox", from_address="rapport@localhost", clock=clock)
    rendered = render_digest(digest(reminder_item(Action.REFLECT)))

    message_id = outbox.send("student@example.edu", rendered, UNSUBSCRIBE)

    [path] = outbox.messages()
    assert path.name.startswith("20261126T140000Z-")
    email = read_email(path.read_bytes())
    assert email.header("Message-ID") == f"<{message_id}>"
    assert email.header("Subject") == "Reflect on your conversation with Ada Park"
    assert email.header("To") == "student@example.edu"
    assert email.header("List-Unsubscribe") == f"<{UNSUBSCRIBE}>"
    assert email.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert email.text == rendered.text
    assert email.html == rendered.html


def test_each_email_gets_its_own_file_in_sending_order(tmp_path: Path, clock: FixedClock) -> None:
    outbox = OutboxMailer(tmp_path, clock=clock)
    first = render_digest(digest(reminder_item(Action.FOLLOW_UP)))
    second = render_digest(digest(reminder_item(Action.MOVE_ON)))

    outbox.send("student@example.edu", first, UNSUBSCRIBE)
    clock.advance(timedelta(minutes=15))
    outbox.send("student@example.edu", second, UNSUBSCRIBE)

    subjects = [read_email(path.read_bytes()).header("Subject") for path in outbox.messages()]
    assert subjects == ["Follow up with Ada Park", "Time to move on from Ada Park"]
    assert list(tmp_path.glob("*.part")) == []
