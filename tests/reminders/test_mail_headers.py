"""Headers from user data (issue 14, item 6): a contact's name reaches the Subject without
control or format characters and encoded explicitly, the To header holds exactly the one
address, and an email that cannot be built is refused before anything leaves."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.adapters.memory_mailer import MemoryMailer
from chalicelib.adapters.ses_mailer import REJECTION_CODES, SesMailer
from chalicelib.clock import FixedClock
from chalicelib.reminders.headers import body_text, header_text
from chalicelib.reminders.mailer import MailRejectedError, MailSendError, build_message, to_bytes
from chalicelib.reminders.render import RenderedEmail, render_confirmation, render_digest
from tests.reminders.builders import UNSUBSCRIBE, digest, reminder_item
from tests.reminders.mime_reading import read_email

SENT_AT = datetime(2026, 12, 3, 23, 0, tzinfo=UTC)
FROM = "reminders@rapport.example"
TO = "student@example.edu"
HOSTILE = "Ada\x00 Park\x1b[31m\r\nBcc: victim@example.com\u202e\u200b\x7f\x85"


def _unsafe(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c) in {"Cc", "Cf", "Cs", "Zl", "Zp"}]


def _send(rendered: RenderedEmail, to: str = TO) -> bytes:
    return to_bytes(build_message(FROM, to, rendered, UNSUBSCRIBE, SENT_AT))


def test_a_contacts_name_reaches_the_subject_without_control_or_format_characters() -> None:
    rendered = render_digest(digest(reminder_item(contact_name=HOSTILE)))

    raw = _send(rendered)
    email = read_email(raw)

    assert rendered.subject == "Follow up with Ada Park[31m Bcc: victim@example.com"
    assert email.header("Subject") == rendered.subject
    assert _unsafe(email.header("Subject")) == []
    assert email.message["Bcc"] is None
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\x00" not in headers
    assert b"\x1b" not in headers


def test_the_text_and_html_parts_lose_control_characters_too() -> None:
    item = reminder_item(contact_name=HOSTILE, questions=("Why\x00 research?\x1b[2J",))
    rendered = render_digest(digest(item))

    email = read_email(_send(rendered))

    for part in (email.text, email.html):
        assert [c for c in _unsafe(part) if c not in "\n\t\u202e\u200b"] == []
        assert "\x00" not in part
        assert "\x1b" not in part


def test_a_subject_beyond_ascii_is_encoded_in_words_of_at_most_75_characters() -> None:
    name = "Zoë Ångström-Björkqvist 山田太郎 Ünal " * 3
    rendered = render_digest(digest(reminder_item(contact_name=name.strip())))

    raw = _send(rendered)

    lines = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(b"Subject:"))
    folded = [lines[start], *[line for line in lines[start + 1 :] if line.startswith(b" ")]]
    words = [w for line in folded for w in line.split() if w.startswith(b"=?")]
    assert len(words) > 1
    assert all(len(word) <= 75 for word in words)
    assert all(line.isascii() for line in folded)
    assert read_email(raw).header("Subject") == rendered.subject


def test_zero_width_joiners_of_names_stay() -> None:
    assert header_text("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    )
    assert header_text("👩\u200d💻 Ada") == "👩\u200d💻 Ada"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x00b", "ab"),
        ("a\r\nb", "a b"),
        ("a\u2028b", "a b"),
        ("  a \t b  ", "a b"),
        ("\ufeffa\u202eb\u2066", "ab"),
        ("a\ud800b", "ab"),
    ],
)
def test_header_text_is_one_clean_line(raw: str, clean: str) -> None:
    assert header_text(raw) == clean


def test_body_text_keeps_line_breaks_and_tabs_only() -> None:
    assert body_text("a\r\nb\tc\x00d\x1be\rf\ud800") == "a\nb\tcde\nf"


@pytest.mark.parametrize(
    "to",
    ["evil@q.r,x", "a@[x.y", "Ada <ada@example.com>", "ada@example.com\r\nBcc: x@y.z", ""],
)
def test_an_address_the_mailer_cannot_write_is_refused_before_anything_leaves(to: str) -> None:
    mailer = MemoryMailer(FROM, FixedClock(SENT_AT))

    with pytest.raises(MailRejectedError):
        mailer.send(to, render_digest(digest()), UNSUBSCRIBE)

    assert mailer.sent == []


def test_the_to_header_holds_exactly_the_one_address() -> None:
    email = read_email(_send(render_digest(digest()), to="o'brien+rapport@mail.example.ie"))

    assert [a.addr_spec for a in email.message["To"].addresses] == [
        "o'brien+rapport@mail.example.ie"
    ]


def test_a_confirmation_email_has_no_unsubscribe_header_and_names_the_address() -> None:
    link = "https://app.rapport.example/settings/confirm-email?token=v1.abc.def"
    rendered = render_confirmation("ada@example.org", link, 24)

    email = read_email(to_bytes(build_message(FROM, "ada@example.org", rendered, None, SENT_AT)))

    assert email.message["List-Unsubscribe"] is None
    assert email.message["List-Unsubscribe-Post"] is None
    assert email.header("Subject") == "Confirm your reminder address for Rapport"
    assert link in email.text
    assert "within 24 hours" in email.text
    assert f'href="{link}"' in email.html


class RefusingSes:
    """An SES client that refuses every send with `code`."""

    def __init__(self, code: str) -> None:
        self.code = code

    def send_email(self, **request: Any) -> Any:
        raise ClientError({"Error": {"Code": self.code, "Message": "no"}}, "SendEmail")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", sorted(REJECTION_CODES))
def test_ses_rejecting_the_address_or_message_is_a_refusal(code: str) -> None:
    mailer = SesMailer(RefusingSes(code), FROM, clock=FixedClock(SENT_AT))

    with pytest.raises(MailRejectedError) as raised:
        mailer.send(TO, render_digest(digest()), UNSUBSCRIBE)

    assert raised.value.code == code


@pytest.mark.parametrize(
    "code", ["AccountSuspendedException", "MailFromDomainNotVerifiedException"]
)
def test_an_account_wide_refusal_is_no_refusal_of_the_address(code: str) -> None:
    mailer = SesMailer(RefusingSes(code), FROM, clock=FixedClock(SENT_AT))

    with pytest.raises(MailSendError) as raised:
        mailer.send(TO, render_digest(digest()), UNSUBSCRIBE)

    assert not isinstance(raised.value, MailRejectedError)


def test_an_email_whose_headers_cannot_be_built_is_refused_before_it_leaves() -> None:
    mailer = MemoryMailer("reminders@rapport.example\r\nBcc: x@example.com", FixedClock(SENT_AT))

    with pytest.raises(MailRejectedError) as raised:
        mailer.send(TO, render_digest(digest()), UNSUBSCRIBE)

    assert raised.value.code == "BadMessage"
    assert mailer.sent == []
