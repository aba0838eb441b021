"""Mail a machine sent (out-of-office replies, bounces, read receipts, list mail) is told apart
from a person's, by the signals only machines write."""

from __future__ import annotations

import pytest

from chalicelib.inbound.automatic import automatic_reason
from chalicelib.inbound.mime import parse_message
from tests.inbound.messages import (
    apple_mail_reply,
    auto_reply,
    bounce,
    fixture,
    gmail_reply,
    outlook_reply,
    plain_message,
)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("vacation_auto_reply", "Auto-Submitted: auto-replied"),
        ("exchange_out_of_office", "null sender (Return-Path <>)"),
        ("bounce_delivery_status", "report: delivery-status"),
        ("list_mail", "Precedence: list"),
    ],
)
def test_machine_mail_is_recognised_with_its_reason(name: str, reason: str) -> None:
    assert automatic_reason(parse_message(fixture(name))) == reason


@pytest.mark.parametrize(
    "name",
    [
        "gmail_reply",
        "gmail_reply_de",
        "apple_mail_fr",
        "apple_mail_reply",
        "outlook_reply",
        "html_only_reply",
        "thunderbird_flowed",
        "ses_stored_bcc_log",
    ],
)
def test_a_persons_mail_is_not_automatic(name: str) -> None:
    assert automatic_reason(parse_message(fixture(name))) is None


def test_the_builders_replies_are_a_persons_and_their_robots_are_not() -> None:
    people = [gmail_reply(), outlook_reply(), apple_mail_reply(signature="Sent from my iPhone")]
    robots = [auto_reply(), auto_reply(kind="exchange"), bounce()]

    assert [automatic_reason(parse_message(raw)) for raw in people] == [None, None, None]
    assert all(automatic_reason(parse_message(raw)) for raw in robots)


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("Auto-Submitted", "auto-generated", "Auto-Submitted: auto-generated"),
        ("Auto-Submitted", "auto-replied (vacation)", "Auto-Submitted: auto-replied"),
        ("Auto-Submitted", "auto-notified; owner-email=x@y", "Auto-Submitted: auto-notified"),
        ("Precedence", "bulk", "Precedence: bulk"),
        ("Precedence", "Junk", "Precedence: junk"),
        ("Precedence", "auto_reply", "Precedence: auto_reply"),
        ("X-Autoreply", "yes", "X-Autoreply present"),
        ("X-Autorespond", "Away", "X-Autorespond present"),
        ("X-MS-Exchange-Inbox-Rules-Loop", "ana@contoso.example", None),
        ("X-MS-Exchange-Generated-Message-Source", "Mailbox Rules Agent", None),
        ("List-Id", "Careers <careers.lists.example.edu>", "List-Id present"),
        ("List-Unsubscribe", "<mailto:leave@lists.example.edu>", "List-Unsubscribe present"),
        ("Return-Path", "<>", "null sender (Return-Path <>)"),
        ("From", "MAILER-DAEMON@mx.example.net", "sent from mailer-daemon@mx.example.net"),
        ("From", "Mail System <postmaster@example.net>", "sent from postmaster@example.net"),
        ("Sender", "noreply@example.net", "sent from noreply@example.net"),
        ("Return-Path", "<MAILER-DAEMON>", "sent from mailer-daemon"),
    ],
)
def test_each_machine_signal_is_enough(field: str, value: str, reason: str | None) -> None:
    found = automatic_reason(parse_message(plain_message(extra_headers={field: value})))

    assert found == (reason or f"{field} present")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("Auto-Submitted", "no"),
        ("Precedence", "first-class"),
        # Outlook asks robots not to answer ordinary mail too: no sign of who sent it.
        ("X-Auto-Response-Suppress", "All"),
        ("X-Auto-Response-Suppress", "OOF, AutoReply"),
        # SES stamps every message it sends, a WorkMail user's own included.
        ("Feedback-ID", "1.us-east-1.abc:AmazonSES"),
        ("Subject", "Automatic reply: out of office"),
        ("Return-Path", "<ana@example.com>"),
    ],
)
def test_fields_a_persons_mail_may_carry_are_no_signal(field: str, value: str) -> None:
    assert automatic_reason(parse_message(plain_message(extra_headers={field: value}))) is None


def test_a_read_receipt_is_a_report_too() -> None:
    receipt = bounce(
        report_type="disposition-notification",
        from_="Maya <maya@acme.example>",
        return_path=None,
        auto_submitted=False,
    )

    assert automatic_reason(parse_message(receipt)) == "report: disposition-notification"
