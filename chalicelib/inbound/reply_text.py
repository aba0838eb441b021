"""What a person wrote in a reply, above the original it quotes.

mail-parser-reply finds where the quoted original starts: Gmail's and Apple Mail's "On ...
wrote:" (and its translations), Outlook's "From: ... Sent: ..." block, "-----Original
Message-----". Lines quoted with ">" are dropped as well, for the replies whose header it does
not know. Its regexes are quadratic on a long line that starts like a header ("On ", "Am ",
"Le "), so it reads a bounded text with overlong lines shortened, and the cut it finds is
applied to the lines themselves.
"""

from __future__ import annotations

import re

from mailparser_reply import EmailReplyParser
from mailparser_reply.constants import MAIL_LANGUAGES

# Commands are on a reply's first lines; nothing past this is read.
MAX_CHARS = 20_000
# Longer than any attribution line; shortening longer lines (for the search only) bounds the
# regexes' cost.
_MAX_LINE = 400
_PARSER = EmailReplyParser(languages=list(MAIL_LANGUAGES))
# The library deletes an Outlook separator (a run of 32+ "_" or "-" after a blank line) before
# it reads; done here first, so that its text and ours have the same lines.
_SEPARATOR = re.compile(r"([^\n])(\n{2,} ?[_-]{32,})")


def new_text(text: str) -> str:
    """The reply's own text, above the quoted original; "" when there is none. Never raises."""
    lines = _lines(text[:MAX_CHARS])
    kept = lines[: _cut(lines)]
    return "\n".join(_unquoted(kept)).strip()


def _lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    joined = "\n".join(line.strip() for line in lines)
    while True:
        shorter = _SEPARATOR.sub("\\1\n", joined)
        if shorter == joined:
            return joined.split("\n")
        joined = shorter


def _cut(lines: list[str]) -> int:
    """How many of the lines come before the first quote header."""
    shadow = "\n".join(line[:_MAX_LINE].rstrip() for line in lines)
    try:
        first = _PARSER.read(shadow).replies[0]
    except Exception:  # third-party regexes on anyone's text: read without the cut
        return len(lines)
    if first.headers:  # the text starts with the header: nothing written above it
        return 0
    if not first.content:
        return len(lines)
    # The reply is the text up to the header, stripped; count the lines it spans.
    start = len(shadow) - len(shadow.lstrip())
    return shadow[: start + len(first.content)].count("\n") + 1


def _unquoted(lines: list[str]) -> list[str]:
    """The lines without `>` quotes, and without the attribution line(s) just above the first
    quote when they end with ":" and name an address ("Em 1 de dez., Rapport <r@x> escreveu:"),
    so a header in a language the library lacks still goes."""
    kept: list[str] = []
    seen_quote = False
    for line in lines:
        if not line.startswith(">"):
            kept.append(line)
            continue
        if not seen_quote:
            seen_quote = True
            _drop_attribution(kept)
    return kept


def _drop_attribution(kept: list[str]) -> None:
    while kept and not kept[-1]:
        kept.pop()
    if not kept or not kept[-1].endswith(":"):
        return
    for size in (1, 2):
        if len(kept) >= size and "@" in " ".join(kept[-size:]):
            del kept[-size:]
            return
