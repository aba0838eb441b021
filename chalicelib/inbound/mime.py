"""An inbound email's bytes read into the facts Rapport acts on, whatever the bytes are.

The bytes come from anyone on the internet, so every header and part is read on its own and a
field that cannot be read is left empty rather than failing the message: only input that is no
email at all (or is too large) raises `UnreadableMessageError`.

Conventions: addresses are addr-specs in lower case (`ana@example.com`, no display name);
message ids keep their angle brackets (`<id@host>`), and an id written without them gets them.
"""

from __future__ import annotations

import email.policy
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses
from typing import Any, TypeVar, cast

from chalicelib.inbound.html_text import html_to_text

# SES accepts up to 40 MB; a reply or a logged email is far smaller, and parsing is in memory.
MAX_MESSAGE_BYTES = 10 * 1024 * 1024
# No client nests multiparts this deep; the bound keeps the body search small.
_MAX_DEPTH = 20
_SES_AUTHSERV_ID = "amazonses.com"
_T = TypeVar("_T")
_ID = re.compile(r"<\s*([^<>\s]+)\s*>")
_RECEIVED_FOR = re.compile(r"\bfor\s+<?([^\s<>;,]+@[^\s<>;,]+)>?", re.IGNORECASE)
_WORD = re.compile(r"\s*([A-Za-z][A-Za-z_-]*)")
_RESULT = re.compile(r"\s*([A-Za-z0-9_.-]+)\s*=\s*([A-Za-z0-9_-]+)")
# Labels that mostly mean "whatever the sender's machine used": see `_decode`.
_ASCII_LABELS = frozenset({"", "us-ascii", "ascii", "ansi_x3.4-1968"})
_LATIN1_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1"})


class UnreadableMessageError(ValueError):
    """The bytes are not an email at all (not one header field), or exceed MAX_MESSAGE_BYTES."""


@dataclass(frozen=True)
class SesVerdicts:
    """What SES found when it received the message: lowercase verdicts ("pass", "fail", "gray",
    "none", ...), None when absent. Read only from the topmost `X-SES-*`, `Received-SPF` and
    `Authentication-Results` fields, which SES prepends; fields lower down are the sender's own
    text. Mail that did not come through SES (the dev SMTP server) has no trustworthy verdicts."""

    spf: str | None = None
    dkim: str | None = None
    dmarc: str | None = None  # the one that binds the From domain; not part of passed()
    spam: str | None = None
    virus: str | None = None

    def passed(self) -> bool:
        """SPF and DKIM passed, and neither scan failed."""
        return (
            self.spf == "pass"
            and self.dkim == "pass"
            and self.spam != "fail"
            and self.virus != "fail"
        )


@dataclass(frozen=True)
class InboundMessage:
    """The facts of one inbound email. `headers` keeps every field in order (name as written,
    value decoded and unfolded) for checks such as `automatic_reason`."""

    message_id: str | None = None
    from_addresses: tuple[str, ...] = ()  # every mailbox: two of them is suspicious
    sender: str | None = None
    return_path: str | None = None  # "" for the null sender `<>`
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    # The addresses the message was delivered to: the `for` clause of the topmost Received
    # (SES's own, the only place a Bcc recipient shows), then X-Original-To and Delivered-To.
    envelope_recipients: tuple[str, ...] = ()
    subject: str = ""
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    text: str = ""
    auth: SesVerdicts = SesVerdicts()
    content_type: str = "text/plain"  # of the message itself, lower case
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        """The first (topmost) field of that name, None when absent."""
        return next(iter(self.header_values(name)), None)

    def header_values(self, name: str) -> tuple[str, ...]:
        """Every field of that name, topmost first."""
        wanted = name.lower()
        return tuple(value for field, value in self.headers if field.lower() == wanted)


def parse_message(raw: bytes) -> InboundMessage:
    """Reads an email; raises UnreadableMessageError only for non-email or oversized input."""
    if not isinstance(raw, bytes | bytearray):
        raise UnreadableMessageError("an email is bytes")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise UnreadableMessageError(f"larger than {MAX_MESSAGE_BYTES} bytes")
    message = _parsed(bytes(raw))
    headers = tuple(
        (_clean(name), _field_text(message, name, value)) for name, value in message.raw_items()
    )
    if not headers:
        raise UnreadableMessageError("not one header field: not an email")
    first = InboundMessage(headers=headers).header  # the lookup the result will offer
    return InboundMessage(
        message_id=next(iter(_ids(first("Message-ID") or "")), None),
        from_addresses=_addresses(message, "from"),
        sender=next(iter(_addresses(message, "sender")), None),
        return_path=_return_path(first("Return-Path")),
        to=_addresses(message, "to"),
        cc=_addresses(message, "cc"),
        envelope_recipients=_envelope_recipients(first),
        subject=(first("Subject") or "").strip(),
        in_reply_to=next(iter(_ids(first("In-Reply-To") or "")), None),
        references=_ids(first("References") or ""),
        text=_text(message),
        auth=_verdicts(first),
        content_type=_safe(message.get_content_type, "text/plain"),
        headers=headers,
    )


def _parsed(raw: bytes) -> EmailMessage:
    parser = BytesParser(policy=email.policy.default)
    try:
        return cast(EmailMessage, parser.parsebytes(raw))
    except Exception:  # e.g. RecursionError on absurd nesting: the headers still say who wrote
        try:
            return cast(EmailMessage, parser.parsebytes(raw, headersonly=True))
        except Exception as error:
            raise UnreadableMessageError("the bytes cannot be parsed as an email") from error


def _safe(read: Callable[[], _T], default: _T) -> _T:
    # The standard library's header and MIME parsers have had crash bugs on hostile input;
    # one unreadable field must not lose the message.
    try:
        return read()
    except Exception:
        return default


def _clean(text: str) -> str:
    """No lone surrogates (raw 8-bit bytes the parser kept): they break any later encode."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def _unfolded(value: str) -> str:
    return re.sub(r"\r?\n", "", value)


def _field_text(message: Message, name: str, value: str) -> str:
    def decoded() -> str:
        return str(message.policy.header_fetch_parse(name, value))

    return _clean(_safe(decoded, _unfolded(str(value)))).strip()


def _addresses(message: Message, name: str) -> tuple[str, ...]:
    found: list[str] = []
    for field, value in message.raw_items():
        if field.lower() != name:
            continue

        def structured(field: str = field, value: str = value) -> list[str]:
            header: Any = message.policy.header_fetch_parse(field, value)
            return [address.addr_spec for address in header.addresses]

        specs = _safe(structured, None)
        found.extend(_plain_specs(_unfolded(str(value))) if specs is None else specs)
    lowered = (_clean(spec).strip().lower() for spec in found)
    # The header parser writes an address it could not read as "<>".
    return tuple(spec for spec in lowered if spec and spec != "<>")


def _plain_specs(value: str) -> list[str]:
    return _safe(lambda: [spec for _, spec in getaddresses([value])], [])


def _return_path(value: str | None) -> str | None:
    if value is None:
        return None
    inside = re.search(r"<([^<>]*)>", value)
    return (inside.group(1) if inside else value).strip().lower()


def _ids(value: str) -> tuple[str, ...]:
    found = _ID.findall(value)
    bare = value.strip()
    if not found and bare and not re.search(r"[\s<>]", bare):
        found = [bare]
    return tuple(f"<{one}>" for one in found)


def _envelope_recipients(first: Callable[[str], str | None]) -> tuple[str, ...]:
    found: list[str] = []
    received = _RECEIVED_FOR.search(first("Received") or "")
    if received:
        found.append(received.group(1))
    for name in ("X-Original-To", "Delivered-To"):
        found.extend(spec for spec in _plain_specs(first(name) or "") if "@" in spec)
    return tuple(dict.fromkeys(spec.strip().lower() for spec in found))


def _verdicts(first: Callable[[str], str | None]) -> SesVerdicts:
    results = _ses_results(first("Authentication-Results"))
    return SesVerdicts(
        spf=results.get("spf") or _first_word(first("Received-SPF")),
        dkim=results.get("dkim"),
        dmarc=results.get("dmarc"),
        spam=_first_word(first("X-SES-Spam-Verdict")),
        virus=_first_word(first("X-SES-Virus-Verdict")),
    )


def _first_word(value: str | None) -> str | None:
    word = _WORD.match(value or "")
    return word.group(1).lower() if word else None


def _ses_results(value: str | None) -> dict[str, str]:
    """`amazonses.com; spf=pass (...) ...; dkim=pass ...` as {"spf": "pass", ...}, nothing when
    another server wrote the field. A method given twice with different results is dropped:
    SES echoes the sender's envelope-from and HELO, so a second `dkim=` may be theirs."""
    if value is None:
        return {}
    authserv_id, *resinfos = _segments(value)
    if authserv_id.strip().split(" ")[0].lower() != _SES_AUTHSERV_ID:
        return {}
    results: dict[str, str | None] = {}
    for resinfo in resinfos:
        result = _RESULT.match(resinfo)
        if result:
            method, verdict = result.group(1).lower(), result.group(2).lower()
            results[method] = verdict if results.get(method, verdict) == verdict else None
    return {method: verdict for method, verdict in results.items() if verdict}


def _segments(value: str) -> list[str]:
    """The field split at ";", with comments removed and quoted strings and [literals] kept
    whole: a ";" inside them is the sender's text, not a separator (one pass: comments nest)."""
    segments: list[str] = []
    out: list[str] = []
    depth = 0  # comment nesting
    closing = ""  # the quote or bracket being read, if any
    escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\" and (depth or closing):
            escaped = True
        elif depth:
            depth += {"(": 1, ")": -1}.get(char, 0)
            continue
        elif closing:
            closing = "" if char == closing else closing
        elif char == "(":
            depth = 1
            continue
        elif char in '"[':
            closing = '"' if char == '"' else "]"
        elif char == ";":
            segments.append("".join(out))
            out = []
            continue
        if not depth:
            out.append(char)
    return [*segments, "".join(out)]


def _text(message: Message) -> str:
    plain, markup = _body_parts(message)
    if plain is not None:
        return _safe(lambda: _part_text(plain), "")
    if markup is not None:
        return _safe(lambda: html_to_text(_part_text(markup)), "")
    return ""


def _body_parts(message: Message) -> tuple[Message | None, Message | None]:
    """The first text/plain and the first text/html part that are not attachments, searched
    in order without entering attached messages (a forwarded email is not the reply)."""
    markup: Message | None = None
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        if _safe(functools.partial(_is_attachment, part), True):
            continue
        content_type = _safe(part.get_content_type, "")
        if content_type.startswith("multipart/"):
            children = part.get_payload()
            if isinstance(children, list) and depth < _MAX_DEPTH:
                parts = [child for child in children if isinstance(child, Message)]
                stack.extend((child, depth + 1) for child in reversed(parts))
        elif content_type == "text/plain":
            return part, markup
        elif content_type == "text/html" and markup is None:
            markup = part
    return None, markup


def _is_attachment(part: Message) -> bool:
    # A named part is a file even when "inline" (Apple Mail sends files so).
    return part.get_content_disposition() == "attachment" or part.get_filename() is not None


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    text = _decode(payload, _safe(part.get_content_charset, None))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _param(part, "format") == "flowed":
        delsp = _param(part, "delsp") == "yes"
        text = _unflowed(text, delsp=delsp)
    return text


def _param(part: Message, name: str) -> str:
    return _safe(lambda: str(part.get_param(name, "")).strip().lower(), "")


def _decode(payload: bytes, charset: str | None) -> str:
    """Bytes as text by the part's charset, never failing. Undeclared or "us-ascii" 8-bit text
    is most often UTF-8; "iso-8859-1" is read as its superset windows-1252, as browsers do (the
    WHATWG Encoding standard), since Windows mailers label cp1252 quotes so."""
    label = (charset or "").strip().lower()
    if label in _ASCII_LABELS:
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("windows-1252", "replace")
    codec = "windows-1252" if label in _LATIN1_LABELS else label
    try:
        return payload.decode(codec, "replace")
    except (LookupError, UnicodeError, ValueError, TypeError):  # unknown, or not a text codec
        return payload.decode("utf-8", "replace")


def _unflowed(text: str, *, delsp: bool) -> str:
    """RFC 3676 format=flowed: a line ending in a space continues on the next one."""
    out: list[str] = []
    pending = ""
    pending_depth = -1
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        content = content[1:] if content.startswith(" ") else content  # space-stuffing
        if pending_depth not in (-1, depth):  # a quote level change ends a paragraph
            out.append(_quoted(pending_depth, pending))
            pending, pending_depth = "", -1
        if content.endswith(" ") and content != "-- ":
            pending += content[:-1] if delsp else content
            pending_depth = depth
        else:
            out.append(_quoted(depth, pending + content))
            pending, pending_depth = "", -1
    if pending_depth != -1:
        out.append(_quoted(pending_depth, pending))
    return "\n".join(out)


def _quoted(depth: int, text: str) -> str:
    return ">" * depth + " " + text if depth else text
