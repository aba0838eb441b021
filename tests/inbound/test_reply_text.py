"""A reply's new text: what the person wrote above the original, whichever client quoted it
and in which language, without the quote, and in bounded time whatever the text."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.inbound.mime import parse_message
from chalicelib.inbound.reply_text import MAX_CHARS, new_text
from tests.inbound.messages import (
    apple_mail_reply,
    fixture,
    gmail_reply,
    html_only_reply,
    outlook_reply,
)


def _new_text_of(raw: bytes) -> str:
    return new_text(parse_message(raw).text)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gmail_reply", "1 done\n2 snooze 3d"),
        ("gmail_reply_de", "2 done\n\nViele Grüße\nAna"),  # "Am ... schrieb" over two lines
        ("apple_mail_fr", "archive\n\nBien cordialement,\nAna"),  # "> Le ... a écrit :"
        ("apple_mail_reply", "stop"),
        ("outlook_reply", "done\n\nThanks \u2013 that\u2019s sorted.\nAna"),
        ("html_only_reply", "snooze 1w\n\nGet Outlook for iOS"),
        (
            "thunderbird_flowed",
            "2 done\n1. snooze 1w\n\nThanks! I met Luis on Friday and we talked for an hour"
            " about how he moved from research into product management.",
        ),
    ],
)
def test_a_real_replys_new_text_is_what_the_person_wrote(name: str, expected: str) -> None:
    assert _new_text_of(fixture(name)) == expected


@pytest.mark.parametrize(
    "raw",
    [
        gmail_reply(body_above="2 done\n3 archive"),
        gmail_reply(body_above="2 done\n3 archive", html=False),
        html_only_reply(body_above="2 done\n3 archive"),
        html_only_reply(body_above="2 done\n3 archive", style="outlook"),
        outlook_reply(body_above="2 done\n3 archive"),
        outlook_reply(body_above="2 done\n3 archive", separator="-----Original Message-----"),
        outlook_reply(body_above="2 done\n3 archive", separator=""),
        apple_mail_reply(body_above="2 done\n3 archive"),
    ],
)
def test_every_clients_quote_is_cut(raw: bytes) -> None:
    assert _new_text_of(raw) == "2 done\n3 archive"


def test_gmails_attribution_wrapped_over_two_lines_is_cut() -> None:
    attribution = "On Tue, Dec 1, 2026 at 9:00 AM Rapport <reminders@rapport.example>\nwrote:"

    assert _new_text_of(gmail_reply(attribution=attribution, html=False)) == "done"


def test_a_phones_signature_stays_in_the_new_text() -> None:
    raw = apple_mail_reply(body_above="done", signature="Sent from my iPhone", html=False)

    assert _new_text_of(raw) == "done\n\nSent from my iPhone"


@pytest.mark.parametrize(
    "attribution",
    [
        # French Gmail wrapped: the library wants "a écrit" on one line.
        "Le mar. 1 déc. 2026 à 09:00, Rapport <reminders@rapport.example> a\nécrit :",
        # Portuguese: a language the library lacks.
        "Em ter., 1 de dez. de 2026 às 09:00, Rapport <reminders@rapport.example>\nescreveu:",
    ],
)
def test_an_unknown_attribution_above_the_quote_goes_with_it(attribution: str) -> None:
    assert _new_text_of(gmail_reply(attribution=attribution, html=False)) == "done"


def test_a_reply_with_nothing_above_the_quote_has_no_new_text() -> None:
    assert _new_text_of(gmail_reply(body_above="", html=False)) == ""
    assert _new_text_of(outlook_reply(body_above="", separator="", html=False)) == ""


def test_quoted_lines_are_dropped_wherever_they_are() -> None:
    text = "done\n> 1. Follow up with Maya\nand thanks\n>> older\n"

    assert new_text(text) == "done\nand thanks"


def test_text_without_a_quote_is_kept_whole_with_lines_trimmed() -> None:
    assert new_text("  Hi Maya,\r\n\r\nThank you.  \r\n") == "Hi Maya,\n\nThank you."


def test_a_line_that_reads_as_a_headers_block_ends_the_new_text() -> None:
    # mail-parser-reply knows Polish headers ("Do:" is To) one line at a time.
    assert new_text("done\nDo: call Maya on Friday\narchive") == "done"


@pytest.mark.parametrize("line", ["On " + "x" * 200_000, "On a b " * 40_000])
def test_a_huge_line_that_starts_like_a_header_is_read_quickly(line: str) -> None:
    started = time.monotonic()
    text = new_text(line + "\n\n" + ("On " + "y " * 500 + "\n") * 100)

    assert time.monotonic() - started < 2
    assert text.startswith("On ")
    assert len(text) <= MAX_CHARS


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_new_text_never_raises_and_never_grows(text: str) -> None:
    result = new_text(text)

    assert isinstance(result, str)
    assert len(result) <= len(text)
