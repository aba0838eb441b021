"""Reading an inbound email: its body as text in any charset and encoding, its addresses, ids
and envelope, SES's verdicts from SES's own fields only, and nothing but
UnreadableMessageError on input that is no email."""

from __future__ import annotations

import dataclasses
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.inbound.html_text import html_to_text
from chalicelib.inbound.mime import (
    MAX_MESSAGE_BYTES,
    InboundMessage,
    SesVerdicts,
    UnreadableMessageError,
    parse_message,
)
from tests.inbound.messages import (
    LOG_ADDRESS,
    REMINDER_ID,
    REPLY_ADDRESS,
    fixture,
    gmail_reply,
    html_only_reply,
    outlook_reply,
    plain_message,
    ses_stored,
)

FIXTURES = (
    "apple_mail_fr",
    "apple_mail_reply",
    "bounce_delivery_status",
    "exchange_out_of_office",
    "gmail_reply",
    "gmail_reply_de",
    "html_only_reply",
    "list_mail",
    "outlook_reply",
    "ses_stored_bcc_log",
    "ses_stored_forged_auth",
    "thunderbird_flowed",
    "two_from_mailboxes",
    "vacation_auto_reply",
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gmail_reply", "Follow up with Zoë Martin"),  # quoted-printable UTF-8
        ("gmail_reply_de", "Viele Grüße"),  # base64 UTF-8
        ("apple_mail_fr", "a écrit :"),  # quoted-printable iso-8859-1
        ("outlook_reply", "Thanks \u2013 that\u2019s sorted."),  # quoted-printable windows-1252
        ("html_only_reply", "snooze 1w"),  # base64 HTML, no text part
        ("bounce_delivery_status", "could not\nbe delivered"),  # the report's human part
    ],
)
def test_the_body_is_decoded_by_its_encoding_and_charset(name: str, expected: str) -> None:
    assert expected in parse_message(fixture(name)).text


def test_the_text_part_is_preferred_to_the_html_one() -> None:
    message = parse_message(fixture("gmail_reply"))

    # Only the text/plain part carries the attribution line and "> " quotes.
    assert message.text.startswith("1 done\n2 snooze 3d\n\nOn Tue, 1 Dec 2026 at 09:00, Rapport")
    assert "\r" not in message.text


def test_an_html_only_body_becomes_text_without_the_quoted_original() -> None:
    message = parse_message(fixture("html_only_reply"))

    assert message.content_type == "text/html"
    assert message.text == "snooze 1w\n\nGet Outlook for iOS"


def test_a_flowed_text_has_its_soft_line_breaks_joined() -> None:
    text = parse_message(fixture("thunderbird_flowed")).text

    assert "he moved from research into product management." in text
    assert '> Done already? Reply to this email with "done" after the step\'s number (' in text


@pytest.mark.parametrize(
    ("charset", "cte"),
    [("iso-2022-jp", None), ("utf-8", "base64"), ("utf-8", "quoted-printable"), ("utf-8", "8bit")],
)
def test_replies_in_other_charsets_read_the_same(charset: str, cte: str | None) -> None:
    raw = gmail_reply(body_above="done\nありがとうございます", charset=charset, cte=cte)

    assert parse_message(raw).text.startswith("done\nありがとうございます\n")


def test_iso_8859_1_is_read_as_windows_1252_as_browsers_do() -> None:
    # Windows mailers label their curly quotes (0x92) as iso-8859-1.
    raw = _with_body(b"That\x92s done", "text/plain; charset=iso-8859-1")

    assert parse_message(raw).text == "That\u2019s done"


def test_undeclared_eight_bit_text_is_read_as_utf_8_then_windows_1252() -> None:
    assert parse_message(_with_body("Grüße".encode(), "text/plain")).text == "Grüße"
    assert parse_message(_with_body(b"Gr\xfc\xdfe", "text/plain")).text == "Grüße"


@pytest.mark.parametrize(
    "charset", ["x-unknown", "unknown-8bit", "idna", "rot13", "base64", "utf-7"]
)
def test_an_unknown_or_odd_charset_is_read_with_replacements_not_an_error(charset: str) -> None:
    raw = _with_body(b"done \xff\xfe", f"text/plain; charset={charset}")

    assert parse_message(raw).text.startswith("done")


def test_attachments_and_attached_messages_are_not_the_body() -> None:
    msg = EmailMessage()
    msg["From"] = "ana@example.com"
    msg.set_content("<p>archive</p>", subtype="html")
    msg.add_attachment("notes: not a command", filename="notes.txt")
    forwarded = EmailMessage()
    forwarded.set_content("stop")
    msg.add_attachment(forwarded)

    assert parse_message(msg.as_bytes(policy=SMTP)).text == "archive"


def test_addresses_are_lowercase_addr_specs_without_display_names() -> None:
    raw = gmail_reply(
        from_='"Student, Ana" <Ana.Student@Example.COM>',
        to=["Rapport <REPLY+Token@In.Rapport.Example>", "other@example.org"],
        cc="=?utf-8?q?Zo=C3=AB?= <Zoe@Example.org>, undisclosed-recipients:;",
    )

    message = parse_message(raw)

    assert message.from_addresses == ("ana.student@example.com",)
    assert message.to == ("reply+token@in.rapport.example", "other@example.org")
    assert message.cc == ("zoe@example.org",)
    assert message.sender is None


def test_both_mailboxes_of_a_two_mailbox_from_are_kept() -> None:
    message = parse_message(fixture("two_from_mailboxes"))

    assert message.from_addresses == ("ana@example.com", "mallory@attacker.example")
    assert message.sender == "mallory@attacker.example"


def test_an_unreadable_address_is_left_out() -> None:
    message = parse_message(plain_message(extra_headers={"Cc": "bad@@x, <>, ok@example.org"}))

    assert message.cc == ("ok@example.org",)


def test_the_return_path_is_none_absent_empty_for_the_null_sender_else_the_address() -> None:
    assert parse_message(plain_message()).return_path is None
    assert parse_message(fixture("bounce_delivery_status")).return_path == ""
    stored = parse_message(fixture("ses_stored_bcc_log"))
    assert stored.return_path == "ana.student@gmail.com"


def test_message_ids_keep_their_angle_brackets() -> None:
    raw = gmail_reply(
        message_id="<CAF3x9+abc@mail.gmail.com>",
        extra_headers={"References": "<a@x> <b@x>  <c@x>", "In-Reply-To": "bare-id@x"},
    )

    message = parse_message(raw)

    assert message.message_id == "<CAF3x9+abc@mail.gmail.com>"
    assert message.references == ("<a@x>", "<b@x>", "<c@x>")
    assert message.in_reply_to == "<bare-id@x>"
    assert parse_message(fixture("gmail_reply")).in_reply_to == REMINDER_ID


def test_the_subject_is_decoded() -> None:
    raw = plain_message(subject="Merci, Zoé — à bientôt")

    assert parse_message(raw).subject == "Merci, Zoé — à bientôt"


def test_raw_eight_bit_headers_come_out_as_text_that_encodes() -> None:
    raw = b"From: ana@example.com\r\nSubject: caf\xc3\xa9 \xff\r\nX-Odd: \xfe\r\n\r\ndone\r\n"

    message = parse_message(raw)

    assert message.subject.startswith("café")
    assert all(value.encode("utf-8") for _, value in message.headers)


def test_a_bcc_recipient_is_read_from_ses_received_field() -> None:
    message = parse_message(fixture("ses_stored_bcc_log"))

    assert message.to == ("maya.chen@acme.example",)
    assert message.cc == ("luis@globex.example",)
    assert message.envelope_recipients == (LOG_ADDRESS,)


def test_only_the_topmost_received_field_names_the_envelope() -> None:
    planted = "from evil.example by mx.evil.example for <log+stolen@in.rapport.example>; now"
    raw = ses_stored(plain_message(extra_headers={"Received": planted}), recipient=LOG_ADDRESS)

    assert parse_message(raw).envelope_recipients == (LOG_ADDRESS,)


def test_delivery_fields_add_to_the_envelope_recipients() -> None:
    raw = plain_message(
        to="maya@acme.example",
        extra_headers={
            "X-Original-To": "Log+ABC@in.rapport.example",
            "Delivered-To": "x@y.example",
        },
    )

    assert parse_message(raw).envelope_recipients == ("log+abc@in.rapport.example", "x@y.example")


def test_ses_verdicts_are_read_from_the_fields_ses_prepends() -> None:
    auth = parse_message(fixture("ses_stored_bcc_log")).auth

    assert auth == SesVerdicts(spf="pass", dkim="pass", dmarc="pass", spam="pass", virus="pass")
    assert auth.passed()


def test_verdicts_forged_below_ses_fields_are_ignored() -> None:
    auth = parse_message(fixture("ses_stored_forged_auth")).auth

    assert auth == SesVerdicts(spf="softfail", dkim=None, dmarc="fail", spam="gray", virus="pass")
    assert not auth.passed()


def test_an_authentication_results_field_of_another_server_is_not_read() -> None:
    raw = plain_message(extra_headers={"Authentication-Results": "mx.google.com; dkim=pass"})

    assert parse_message(raw).auth == SesVerdicts()


def test_a_result_smuggled_into_the_senders_own_text_is_not_read() -> None:
    # SES copies the envelope-from into its field; a quoted local part may hold a ";".
    raw = ses_stored(plain_message(), mail_from='"x;dkim=pass"@attacker.example', dkim=None)

    assert parse_message(raw).auth.dkim is None


def test_a_method_given_twice_with_different_results_is_unknown() -> None:
    results = "amazonses.com; spf=pass; dkim=pass header.i=@a.example; dkim=fail header.i=@b"
    raw = plain_message(extra_headers={"Authentication-Results": results})

    assert parse_message(raw).auth == SesVerdicts(spf="pass", dkim=None)


@pytest.mark.parametrize(
    ("verdicts", "passed"),
    [
        (SesVerdicts(spf="pass", dkim="pass"), True),
        (SesVerdicts(spf="pass", dkim="pass", spam="gray", virus="pass"), True),
        (SesVerdicts(spf="pass", dkim="pass", spam="fail"), False),
        (SesVerdicts(spf="pass", dkim="pass", virus="fail"), False),
        (SesVerdicts(spf="softfail", dkim="pass"), False),
        (SesVerdicts(spf="pass", dkim=None), False),
    ],
)
def test_verdicts_pass_when_spf_and_dkim_pass_and_no_scan_failed(
    verdicts: SesVerdicts, passed: bool
) -> None:
    assert verdicts.passed() is passed


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \r\n", b"just some words\r\nand more\r\n", b"\x00\xff\xfe garbage"],
)
def test_input_that_is_no_email_is_unreadable(raw: bytes) -> None:
    with pytest.raises(UnreadableMessageError):
        parse_message(raw)


def test_an_oversized_message_is_unreadable() -> None:
    with pytest.raises(UnreadableMessageError):
        parse_message(b"Subject: x\r\n\r\n" + b"a" * MAX_MESSAGE_BYTES)


def test_a_message_of_headers_only_is_read() -> None:
    message = parse_message(b"From: ana@example.com\r\nSubject: hi\r\n")

    assert (message.from_addresses, message.subject, message.text) == (
        ("ana@example.com",),
        "hi",
        "",
    )


def test_absurdly_nested_multiparts_still_give_the_headers() -> None:
    levels = 1000  # past what the parser can recurse into
    head = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (n, n)
        for n in range(levels)
    )
    raw = (
        b"From: ana@example.com\r\nSubject: deep\r\n"
        + head
        + b"Content-Type: text/plain\r\n\r\ndone\r\n"
    )

    message = parse_message(raw)

    assert message.from_addresses == ("ana@example.com",)
    assert message.subject == "deep"


def test_a_message_is_a_frozen_hashable_value() -> None:
    raw = outlook_reply()
    message = parse_message(raw)

    assert {message, parse_message(raw)} == {message}
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.text = "changed"  # type: ignore[misc]


def test_headers_are_kept_in_order_and_looked_up_without_case() -> None:
    message = parse_message(fixture("ses_stored_forged_auth"))

    assert message.header("x-ses-spam-verdict") == "GRAY"
    assert message.header_values("X-SES-Spam-Verdict") == ("GRAY", "PASS")
    assert message.header("X-Absent") is None
    assert InboundMessage().header("From") is None


def test_builders_make_messages_with_the_addressing_they_are_given() -> None:
    raw = html_only_reply(
        from_="Ana <ana@example.com>", to=REPLY_ADDRESS, cc=["c@example.org"], message_id="<m@x>"
    )

    message = parse_message(raw)

    assert raw.count(b"\r\n") == raw.count(b"\n")
    assert (message.from_addresses, message.to, message.cc, message.message_id) == (
        ("ana@example.com",),
        (REPLY_ADDRESS,),
        ("c@example.org",),
        "<m@x>",
    )


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_give_a_message_or_unreadable_never_another_error(raw: bytes) -> None:
    _read_or_refuse(raw)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(FIXTURES),
    st.integers(min_value=0, max_value=20_000),
    st.binary(min_size=1, max_size=64),
)
def test_damaged_real_messages_give_a_message_or_unreadable(
    name: str, at: int, junk: bytes
) -> None:
    raw = fixture(name)
    at %= len(raw)
    _read_or_refuse(raw[:at] + junk + raw[at + len(junk) :])


def _read_or_refuse(raw: bytes) -> None:
    try:
        message = parse_message(raw)
    except UnreadableMessageError:
        return
    texts = [message.text, message.subject, *message.to, *message.from_addresses]
    assert all(isinstance(text, str) and text.encode("utf-8") is not None for text in texts)
    assert message.headers


def _with_body(body: bytes, content_type: str) -> bytes:
    return (
        b"From: ana@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        + f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".encode()
        + body
    )


def test_html_becomes_lines_with_quotes_marked_and_noise_dropped() -> None:
    markup = (
        "<html><head><title>t</title><style>p {color: red}</style></head><body>"
        "<script>alert('x')</script><p>2&nbsp;done&#33;</p><div>3 <b>archive</b><br>stop</div>"
        "<ol start='4'><li>one</li><li>two</li></ol><ul><li>dot</li></ul>"
        "<blockquote>quoted<blockquote>deeper</blockquote></blockquote>"
        "<pre>a\n  b</pre><table><tr><td>x</td><td>y</td></tr></table>"
        "<noscript><li>hidden</li></noscript><p>sn\u200booze</p></body></html>"
    )

    assert html_to_text(markup) == (
        "2 done!\n3 archive\nstop\n4. one\n5. two\n- dot\n> quoted\n> > deeper\na\nb\nx y\nsnooze"
    )


@pytest.mark.parametrize(
    "marker",
    [
        '<div class="gmail_quote">',
        '<div class="gmail_quote gmail_quote_container">',
        '<div id="divRplyFwdMsg" dir="ltr">',
        '<div id="appendonsend"></div>',
        '<div class="yahoo_quoted">',
    ],
)
def test_html_after_a_clients_quote_marker_is_dropped(marker: str) -> None:
    assert (
        html_to_text(f"<div>done</div>{marker}<div>On Tuesday, Rapport wrote: stop</div>") == "done"
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("<>/=\"'&;#!- abdiv\n"), max_size=400))
def test_any_markup_becomes_text_without_error(markup: str) -> None:
    assert isinstance(html_to_text(markup), str)
