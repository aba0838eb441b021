"""User text made safe for an email: for a header line (a contact's name in the Subject), and
for the body parts.

A header is one line of text: a CR or LF would start a new header (injection), a NUL or ESC
reaches mail clients and terminals raw, and bidirectional overrides make a Subject read other
than it is. So header text keeps no Unicode control (Cc), format (Cf), surrogate (Cs) or
line/paragraph separator character, whitespace runs become one space, and the mailer encodes
what is not ASCII as RFC 2047 encoded words itself. Zero-width joiners (U+200C, U+200D) stay:
Persian and Indic names and emoji sequences are spelled with them, and they break nothing.

Bodies keep their line breaks and tabs but lose the other control characters and surrogates,
which no mail client shows and which would make UTF-8 encoding fail.
"""

from __future__ import annotations

import unicodedata

_UNSAFE_IN_HEADERS = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_JOINERS = frozenset({"\u200c", "\u200d"})
_KEPT_IN_BODIES = frozenset({"\n", "\t"})


def header_text(value: str) -> str:
    """`value` as one clean header line: no control or format characters, single spaces."""
    kept = "".join(
        " " if char.isspace() else char
        for char in value
        if char.isspace()
        or char in _JOINERS
        or unicodedata.category(char) not in _UNSAFE_IN_HEADERS
    )
    return " ".join(kept.split())


def body_text(value: str) -> str:
    """`value` without control characters (but line breaks and tabs) or lone surrogates."""
    return "".join(
        char
        for char in value.replace("\r\n", "\n").replace("\r", "\n")
        if char in _KEPT_IN_BODIES or unicodedata.category(char) not in {"Cc", "Cs"}
    )
