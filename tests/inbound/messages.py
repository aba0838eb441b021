"""Inbound emails for tests: the fixture files, and builders of the mail real clients send.

The builders make their messages with `EmailMessage`, in the shape Gmail, Outlook, Apple Mail,
vacation responders and mail servers give them, and return the wire bytes (CRLF). Other suites
send them through the SMTP server and the S3 handler, so every builder takes keyword arguments
only, has defaults that make a reply to a Rapport reminder, and accepts `message_id` (a random
one by default), `from_`, `to`, `cc` and `extra_headers` (each replaces the field of its name,
or adds it).
"""

from __future__ import annotations

import email.policy
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import make_msgid, parseaddr
from html import escape
from pathlib import Path
from typing import Literal

FIXTURES = Path(__file__).parent / "fixtures"

REMINDERS = "Rapport <reminders@rapport.example>"
USER = "Ana Student <ana@example.com>"
CONTACT = "Maya Chen <maya.chen@acme.example>"
REPLY_ADDRESS = "reply+k5jfq2x7mzq4a@in.rapport.example"
LOG_ADDRESS = "log+m3qx7w2kd9@in.rapport.example"
REMINDER_ID = "<0100018f7a2b3c4d-reminder-1@email.amazonses.com>"
REMINDER_SUBJECT = "2 steps of your informational interviews are due"
REPLIED_AT = "Tue, 01 Dec 2026 09:14:02 +0000"
GMAIL_ATTRIBUTION = "On Tue, 1 Dec 2026 at 09:00, Rapport <reminders@rapport.example> wrote:"
APPLE_ATTRIBUTION = "On 1 Dec 2026, at 09:00, Rapport <reminders@rapport.example> wrote:"
OUTLOOK_SENT = "Tuesday, December 1, 2026 9:00 AM"
# The reminder as the user received it (chalicelib/reminders/templates/digest.txt).
REMINDER_TEXT = """Hi! 2 steps of your informational interviews are due.

1. Follow up with Maya Chen (Acme Robotics): send a thank-you note

Open Maya Chen in Rapport: https://app.rapport.example/contacts/c-1
Not now? Snooze 3 days: https://app.rapport.example/s/abc

2. Prepare your interview with Luis Ortega (Globex): research his path

Open Luis Ortega in Rapport: https://app.rapport.example/contacts/c-2

Done already? Reply to this email with "done" after the step's number ("2 done"), \
or "snooze 3d", "snooze 1w", "archive", or "stop" to turn reminders off, one per line, \
and Rapport records it.

--
Times are in Europe/Paris time."""

Addresses = str | Sequence[str]
Headers = Mapping[str, str] | None


def fixture(name: str) -> bytes:
    """A fixture's bytes, by file name (".eml" optional)."""
    return (FIXTURES / (name if name.endswith(".eml") else f"{name}.eml")).read_bytes()


def gmail_reply(
    *,
    body_above: str = "done",
    quoted: str = REMINDER_TEXT,
    attribution: str = GMAIL_ATTRIBUTION,
    from_: str = USER,
    to: Addresses = REPLY_ADDRESS,
    cc: Addresses = (),
    subject: str = f"Re: {REMINDER_SUBJECT}",
    message_id: str | None = None,
    in_reply_to: str | None = REMINDER_ID,
    charset: str = "utf-8",
    cte: str | None = None,
    html: bool = True,
    extra_headers: Headers = None,
) -> bytes:
    """Gmail's reply: "On ... wrote:", a blank line, "> " quotes; HTML with div.gmail_quote."""
    msg = _message(from_, to, cc, subject, message_id, in_reply_to)
    msg.set_content(
        f"{body_above}\n\n{attribution}\n\n{_quote(quoted)}\n", charset=charset, cte=cte
    )
    if html:
        msg.add_alternative(
            _gmail_html(body_above, attribution, quoted), subtype="html", charset=charset, cte=cte
        )
    return _wire(msg, extra_headers)


def outlook_reply(
    *,
    body_above: str = "done",
    quoted: str = REMINDER_TEXT,
    separator: str = "_" * 32,
    sent: str = OUTLOOK_SENT,
    from_: str = USER,
    to: Addresses = REPLY_ADDRESS,
    cc: Addresses = (),
    subject: str = f"Re: {REMINDER_SUBJECT}",
    message_id: str | None = None,
    in_reply_to: str | None = REMINDER_ID,
    charset: str = "windows-1252",
    cte: str | None = "quoted-printable",
    html: bool = True,
    extra_headers: Headers = None,
) -> bytes:
    """Outlook's reply: the original under a From/Sent/To/Subject block, not "> " quoted (its
    classic form has `separator="-----Original Message-----"`); HTML with div#divRplyFwdMsg."""
    msg = _message(from_, to, cc, subject, message_id, in_reply_to)
    msg["Thread-Topic"] = REMINDER_SUBJECT
    msg["Thread-Index"] = "AQHbQ2x1c3Vv7n1mHkWm3oQ8k9l2Zg=="
    msg["X-MS-Has-Attach"] = ""
    block = f"From: {REMINDERS}\nSent: {sent}\nTo: {from_}\nSubject: {REMINDER_SUBJECT}"
    lead = f"{separator}\n" if separator else ""
    msg.set_content(f"{body_above}\n\n{lead}{block}\n\n{quoted}\n", charset=charset, cte=cte)
    if html:
        markup = _outlook_html(body_above, quoted, sent=sent, to=from_, charset=charset)
        msg.add_alternative(markup, subtype="html", charset=charset, cte=cte)
    return _wire(msg, extra_headers)


def apple_mail_reply(
    *,
    body_above: str = "done",
    quoted: str = REMINDER_TEXT,
    attribution: str = APPLE_ATTRIBUTION,
    signature: str = "",
    from_: str = USER,
    to: Addresses = REPLY_ADDRESS,
    cc: Addresses = (),
    subject: str = f"Re: {REMINDER_SUBJECT}",
    message_id: str | None = None,
    in_reply_to: str | None = REMINDER_ID,
    charset: str = "utf-8",
    cte: str | None = None,
    html: bool = True,
    extra_headers: Headers = None,
) -> bytes:
    """Apple Mail's reply: the attribution inside the quote ("> On ... wrote:"); pass
    `signature="Sent from my iPhone"` for iOS. HTML with <blockquote type="cite">."""
    msg = _message(from_, to, cc, subject, message_id, in_reply_to)
    msg["X-Mailer"] = "Apple Mail (2.3826.300.87.4.3)"
    own = f"{body_above}\n\n{signature}\n\n" if signature else f"{body_above}\n\n"
    quote = _quote(f"{attribution}\n\n{quoted}")
    msg.set_content(f"{own}{quote}\n", charset=charset, cte=cte)
    if html:
        markup = _apple_html(own.rstrip("\n"), attribution, quoted)
        msg.add_alternative(markup, subtype="html", charset=charset, cte=cte)
    return _wire(msg, extra_headers)


def html_only_reply(
    *,
    body_above: str = "done",
    quoted: str = REMINDER_TEXT,
    style: Literal["gmail", "outlook"] = "gmail",
    from_: str = USER,
    to: Addresses = REPLY_ADDRESS,
    cc: Addresses = (),
    subject: str = f"Re: {REMINDER_SUBJECT}",
    message_id: str | None = None,
    in_reply_to: str | None = REMINDER_ID,
    charset: str = "utf-8",
    cte: str | None = "base64",
    extra_headers: Headers = None,
) -> bytes:
    """A reply with no text/plain part (as some mobile and web clients send), quoting in
    Gmail's or Outlook's HTML."""
    msg = _message(from_, to, cc, subject, message_id, in_reply_to)
    if style == "gmail":
        markup = _gmail_html(body_above, GMAIL_ATTRIBUTION, quoted)
    else:
        markup = _outlook_html(body_above, quoted, sent=OUTLOOK_SENT, to=from_, charset=charset)
    msg.set_content(markup, subtype="html", charset=charset, cte=cte)
    return _wire(msg, extra_headers)


def plain_message(
    *,
    body: str = "Hi Maya,\n\nThank you for your time today.\n\nBest,\nAna",
    from_: str = USER,
    to: Addresses = CONTACT,
    cc: Addresses = (),
    subject: str = "Thank you for the conversation",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    charset: str = "utf-8",
    cte: str | None = None,
    extra_headers: Headers = None,
) -> bytes:
    """A person's own email, text only: one a user sends a contact with log+ in Bcc (Bcc is
    not in the headers; the envelope alone carries it)."""
    msg = _message(from_, to, cc, subject, message_id, in_reply_to)
    msg.set_content(body + "\n", charset=charset, cte=cte)
    return _wire(msg, extra_headers)


def auto_reply(
    *,
    kind: Literal["vacation", "exchange"] = "vacation",
    body: str = "I am away until 4 December with no access to email. I will reply on my return.",
    from_: str = USER,
    to: Addresses = REPLY_ADDRESS,
    cc: Addresses = (),
    subject: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = REMINDER_ID,
    extra_headers: Headers = None,
) -> bytes:
    """An out-of-office: a vacation responder's (Gmail, Sieve: `Auto-Submitted: auto-replied`)
    or Exchange's (null Return-Path, `Auto-Submitted: auto-generated`, its Inbox-rule fields)."""
    if kind == "vacation":
        msg = _message(from_, to, cc, subject or "Away until 4 December", message_id, in_reply_to)
        msg["Auto-Submitted"] = "auto-replied"
    else:
        title = subject or f"Automatic reply: {REMINDER_SUBJECT}"
        msg = _message(from_, to, cc, title, message_id, in_reply_to, return_path="<>")
        msg["Thread-Topic"] = REMINDER_SUBJECT
        msg["X-MS-Has-Attach"] = ""
        msg["X-Auto-Response-Suppress"] = "All"
        msg["X-MS-Exchange-Inbox-Rules-Loop"] = _address_of(from_)
        msg["Auto-Submitted"] = "auto-generated"
        msg["X-MS-Exchange-Generated-Message-Source"] = "Mailbox Rules Agent"
    msg.set_content(body + "\n")
    msg.add_alternative(f"<html><body><div>{escape(body)}</div></body></html>\n", subtype="html")
    return _wire(msg, extra_headers)


def bounce(
    *,
    failed_recipient: str = "ana@example.net",
    report_type: Literal["delivery-status", "disposition-notification"] = "delivery-status",
    from_: str = "MAILER-DAEMON@mx1.example.net (Mail Delivery System)",
    to: Addresses = REPLY_ADDRESS,
    cc: Addresses = (),
    message_id: str | None = None,
    return_path: str | None = "<>",
    auto_submitted: bool = True,
    extra_headers: Headers = None,
) -> bytes:
    """A Postfix delivery status notification (RFC 3464): multipart/report of a notice, the
    machine-readable status and the undelivered message's headers. With
    `report_type="disposition-notification"` the report is a read receipt (RFC 8098)."""
    subject = "Undelivered Mail Returned to Sender"
    msg = _message(from_, to, cc, subject, message_id, None, return_path=return_path)
    if auto_submitted:
        msg["Auto-Submitted"] = "auto-replied"
    msg.set_content(
        "This is the mail system at host mx1.example.net.\n\nI'm sorry to have to inform you"
        " that your message could not\nbe delivered to one or more recipients.\n\n"
        f"<{failed_recipient}>: host mail.example.net[203.0.113.7] said: 550 5.1.1 User"
        " unknown (in reply to RCPT TO command)\n"
    )
    msg.make_mixed()
    msg.set_type("multipart/report")
    msg.set_param("report-type", report_type)
    if report_type == "delivery-status":
        status = (
            "Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx1.example.net"
            f"\r\n\r\nFinal-Recipient: rfc822; {failed_recipient}\r\nAction: failed\r\n"
            f"Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <{failed_recipient}>: unknown\r\n"
        )
    else:
        status = (
            "Content-Type: message/disposition-notification\r\n\r\nReporting-UA: mail.example;"
            f" Mail\r\nFinal-Recipient: rfc822; {failed_recipient}\r\nOriginal-Message-ID:"
            f" {REMINDER_ID}\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n"
        )
    msg.attach(BytesParser(policy=email.policy.default).parsebytes(status.encode()))
    original = EmailMessage()
    original.set_content(
        f"From: {REMINDERS}\nTo: {failed_recipient}\nSubject: {REMINDER_SUBJECT}\n",
        subtype="rfc822-headers",
    )
    msg.attach(original)
    return _wire(msg, extra_headers)


def ses_stored(
    raw: bytes,
    *,
    recipient: str = LOG_ADDRESS,
    mail_from: str | None = None,
    client: tuple[str, str] = ("mail-wr1-f41.google.com", "209.85.221.41"),
    spf: str = "pass",
    dkim: str | None = "pass",
    dmarc: str | None = "pass",
    spam: str = "PASS",
    virus: str = "PASS",
) -> bytes:
    """The message as SES writes it to S3: its own fields prepended, the Received naming the
    envelope recipient (the only trace of a Bcc), then the verdicts. `mail_from` defaults to
    the From address; None for `dkim`/`dmarc` leaves that result out, as SES does for unsigned
    mail. Wraps any builder's bytes, so it takes no addressing arguments of its own."""
    sender = mail_from if mail_from is not None else _address_of(_header(raw, "From"))
    domain = sender.rpartition("@")[2]
    host, ip = client
    spf_text = f"spf={spf} (spfCheck: domain of {domain} designates {ip} as permitted sender)"
    results = [
        f" {spf_text} client-ip={ip}; envelope-from={sender}; helo={host};",
        *([f" dkim={dkim} header.i=@{domain};"] if dkim else []),
        *([f" dmarc={dmarc} header.from={domain};"] if dmarc else []),
    ]
    fields = [
        f"Return-Path: <{sender}>",
        f"Received: from {host} ({host} [{ip}])",
        " by inbound-smtp.us-east-1.amazonaws.com with SMTP id 8j3nq1vd2k5r7s9t0u4w6x8y0z2a4b6c",
        f" for {recipient};",
        " Tue, 01 Dec 2026 09:14:05 +0000 (UTC)",
        f"X-SES-Spam-Verdict: {spam}",
        f"X-SES-Virus-Verdict: {virus}",
        f"Received-SPF: {spf} (spfCheck: domain of {domain} designates {ip} as permitted"
        f" sender) client-ip={ip}; envelope-from={sender}; helo={host};",
        "Authentication-Results: amazonses.com;",
        *results,
        "X-SES-RECEIPT: AEFBQUFBQUFBQUFGUlFCYlk3bnlBZVdKcy9HR2QxSy8vZmNzQVNKRmkwNDhWT1I=",
    ]
    return "\r\n".join(fields).encode() + b"\r\n" + raw


def _message(
    from_: str,
    to: Addresses,
    cc: Addresses,
    subject: str,
    message_id: str | None,
    in_reply_to: str | None,
    *,
    return_path: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    if return_path is not None:
        msg["Return-Path"] = return_path
    msg["From"] = from_
    msg["To"] = _joined(to)
    if cc:
        msg["Cc"] = _joined(cc)
    msg["Subject"] = subject
    msg["Date"] = REPLIED_AT
    msg["Message-ID"] = message_id or make_msgid(domain="mail.example.com")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    return msg


def _wire(msg: EmailMessage, extra_headers: Headers) -> bytes:
    for name, value in (extra_headers or {}).items():
        del msg[name]
        msg[name] = value
    return msg.as_bytes(policy=email.policy.SMTP)


def _joined(addresses: Addresses) -> str:
    return addresses if isinstance(addresses, str) else ", ".join(addresses)


def _address_of(mailbox: str) -> str:
    return parseaddr(mailbox)[1]


def _header(raw: bytes, name: str) -> str:
    return str(BytesParser(policy=email.policy.default).parsebytes(raw, headersonly=True)[name])


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def _lines_html(text: str) -> str:
    return "<br>\n".join(escape(line) for line in text.split("\n"))


def _gmail_html(body_above: str, attribution: str, quoted: str) -> str:
    first, *rest = body_above.split("\n")
    reply = escape(first) + "".join(f"<div>{escape(line) or '<br>'}</div>" for line in rest)
    return (
        f'<div dir="ltr">{reply}</div><br><div class="gmail_quote gmail_quote_container">'
        f'<div dir="ltr" class="gmail_attr">{escape(attribution)}<br></div>'
        '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid'
        f' rgb(204,204,204);padding-left:1ex">{_lines_html(quoted)}</blockquote></div>\n'
    )


def _outlook_html(body_above: str, quoted: str, *, sent: str, to: str, charset: str) -> str:
    return (
        f'<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        '\n<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} '
        '</style>\n</head>\n<body dir="ltr">\n<div class="elementToProof" style="font-family:'
        ' Aptos, Calibri, Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);">\n'
        f"{_lines_html(body_above)}</div>\n"
        '<div id="appendonsend"></div>\n<hr style="display:inline-block;width:98%" tabindex="-1">'
        '\n<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:'
        f'11pt" color="#000000"><b>From:</b> {escape(REMINDERS)}<br>\n<b>Sent:</b> {sent}<br>\n'
        f"<b>To:</b> {escape(to)}<br>\n<b>Subject:</b> {escape(REMINDER_SUBJECT)}</font>\n"
        '<div>&nbsp;</div>\n</div>\n<div class="BodyFragment"><font size="2"><span'
        f' style="font-size:11pt;">\n<div class="PlainText">{_lines_html(quoted)}</div>\n'
        "</span></font></div>\n</body>\n</html>\n"
    )


def _apple_html(own: str, attribution: str, quoted: str) -> str:
    return (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
        '<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break:'
        f' after-white-space;">{_lines_html(own)}<br id="lineBreakAtBeginningOfMessage"><div>'
        f'<br><blockquote type="cite"><div>{escape(attribution)}</div><br'
        f' class="Apple-interchange-newline"><div><div>{_lines_html(quoted)}</div></div>'
        "</blockquote></div><br></body></html>\n"
    )
