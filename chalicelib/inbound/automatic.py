"""Whether a machine sent an inbound email: an out-of-office, a bounce, a list's mail.

Rapport must never act on such mail (an auto-reply saying "I'm away" is no "done") nor answer
it (two robots answering each other loop for ever), so each signal here is one that a person's
own message does not carry. Deliberately not used:

- `X-Auto-Response-Suppress`: a request *to* other robots; Outlook and Exchange set it on
  ordinary mail too (meeting requests, system messages), so it says nothing about the sender.
- `Feedback-ID`: which sending service's complaint loop a message belongs to. SES stamps it on
  every message it sends, a WorkMail user's own mail included.
- the subject ("Automatic reply:", "Out of office"): a person may write those words.
"""

from __future__ import annotations

import re

from chalicelib.inbound.mime import InboundMessage

# RFC 3834 §3.1.7: bulk and list mail, and the auto_reply value some responders still write.
_PRECEDENCE = frozenset({"bulk", "list", "junk", "auto_reply"})
# Local parts that only mail systems send from (RFC 5321 §4.5.5, RFC 2142).
_ROBOT_MAILBOXES = frozenset(
    {"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply"}
)
# Vacation programs (Courier, Zimbra, cPanel) mark their replies with either, any value.
_AUTORESPONDER_FIELDS = ("X-Autoreply", "X-Autorespond")
# Exchange stamps these on every message one of its agents generated or an Inbox rule sent or
# forwarded, out-of-office replies included; a message a person writes carries neither.
_EXCHANGE_FIELDS = ("X-MS-Exchange-Inbox-Rules-Loop", "X-MS-Exchange-Generated-Message-Source")
# A list manager's mail (RFC 2919, RFC 2369), whoever posted it.
_LIST_FIELDS = ("List-Id", "List-Unsubscribe")
_REPORT_TYPE = re.compile(r"report-type\s*=\s*\"?([A-Za-z0-9_.-]+)", re.IGNORECASE)


def automatic_reason(message: InboundMessage) -> str | None:
    """Why a machine sent this message (for the log), or None for a person's mail."""
    for check in (_report, _null_sender, _robot_mailbox, _auto_submitted, _precedence, _marked):
        reason = check(message)
        if reason:
            return reason
    return None


def _report(message: InboundMessage) -> str | None:
    # Delivery status and read receipts (RFC 6522): multipart/report with its report-type.
    if message.content_type != "multipart/report":
        return None
    report_type = _REPORT_TYPE.search(message.header("Content-Type") or "")
    return f"report: {report_type.group(1).lower() if report_type else 'multipart/report'}"


def _null_sender(message: InboundMessage) -> str | None:
    # The null reverse-path `<>` is what bounces and auto-replies must use (RFC 5321, 3834).
    return "null sender (Return-Path <>)" if message.return_path == "" else None


def _robot_mailbox(message: InboundMessage) -> str | None:
    for address in (*message.from_addresses, message.sender or "", message.return_path or ""):
        if address.partition("@")[0] in _ROBOT_MAILBOXES:
            return f"sent from {address}"
    return None


def _auto_submitted(message: InboundMessage) -> str | None:
    # RFC 3834 §5: any value but "no" (auto-generated, auto-replied, auto-notified, ...).
    for value in message.header_values("Auto-Submitted"):
        keyword = re.split(r"[\s;(]", value.strip(), maxsplit=1)[0].lower()
        if keyword != "no":
            return f"Auto-Submitted: {keyword or '(empty)'}"
    return None


def _precedence(message: InboundMessage) -> str | None:
    for value in message.header_values("Precedence"):
        if value.strip().lower() in _PRECEDENCE:
            return f"Precedence: {value.strip().lower()}"
    return None


def _marked(message: InboundMessage) -> str | None:
    for name in (*_AUTORESPONDER_FIELDS, *_EXCHANGE_FIELDS, *_LIST_FIELDS):
        if message.header(name) is not None:
            return f"{name} present"
    return None
