"""An HTML email body as the plain text a person would have typed.

Only what the reply's parser needs survives: lines (block elements and `<br>` end one), quoted
text marked `> ` per `<blockquote>` level as a plain-text client would, and nothing of the quoted
original that Gmail, Outlook and Yahoo put after the person's text in a block of their own.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Content that is not text: skipped to its end tag.
_SKIPPED = frozenset({"script", "style", "title", "template", "noscript"})
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr"),
        "ul",
    }
)
# Where a client starts the quoted original: it and everything after it is not the reply.
# Gmail: <div class="gmail_quote">; Yahoo: <div class="yahoo_quoted">; Outlook (web and new):
# <div id="appendonsend"> after the reply, then <div id="divRplyFwdMsg"> with From/Sent/To.
_QUOTE_CLASSES = frozenset({"gmail_quote", "yahoo_quoted"})
_QUOTE_IDS = frozenset({"divrplyfwdmsg", "appendonsend"})
_SPACES = re.compile(r"[ \t\n\r\f\v\xa0]+")
# Zero-width characters editors leave between letters ("do\u200bne"): not spaces.
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_TAG = re.compile(r"<[^>]*>")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []  # (quote depth, text)
        self._parts: list[str] = []
        self._depth_of_line = 0
        self._quote = 0
        self._skip = 0
        self._pre = 0
        self._lists: list[list[int]] = []  # one counter per open list; -1 for <ul>
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag in _SKIPPED:
            self._skip += 1
            return
        if self._skip:
            return
        if _starts_quoted_original(attrs):
            self._done = True
            self._end_line()
            return
        if tag == "br":
            self._end_line(keep_empty=True)
        elif tag in _BLOCKS:
            self._end_line()
            self._open_block(tag, attrs)
        elif tag in {"td", "th"}:
            self._parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif not self._done and not self._skip and tag in _BLOCKS:
            self._end_line()
            if tag == "blockquote":
                self._quote = max(0, self._quote - 1)
            elif tag == "pre":
                self._pre = max(0, self._pre - 1)
            elif tag in {"ol", "ul"} and self._lists:
                self._lists.pop()

    def handle_data(self, data: str) -> None:
        if self._done or self._skip:
            return
        if not self._pre:
            self._add(_SPACES.sub(" ", data))
            return
        first, *rest = data.replace("\r\n", "\n").split("\n")
        self._add(first)
        for line in rest:
            self._end_line(keep_empty=True)
            self._add(line)

    def close(self) -> None:
        super().close()
        self._end_line()

    def _open_block(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            self._quote += 1
        elif tag == "pre":
            self._pre += 1
        elif tag == "ol":
            start = (dict(attrs).get("start") or "").strip()
            self._lists.append([int(start) if start.isdecimal() and len(start) < 5 else 1])
        elif tag == "ul":
            self._lists.append([-1])
        elif tag == "li" and self._lists:
            counter = self._lists[-1]
            self._add("- " if counter[0] < 0 else f"{counter[0]}. ")
            if counter[0] >= 0:
                counter[0] += 1

    def _add(self, text: str) -> None:
        if not self._parts:
            self._depth_of_line = self._quote
        self._parts.append(text)

    def _end_line(self, *, keep_empty: bool = False) -> None:
        text = "".join(self._parts)
        if text.strip() or keep_empty:
            depth = self._depth_of_line if self._parts else self._quote
            self.lines.append((depth, text))
        self._parts = []


def _starts_quoted_original(attrs: list[tuple[str, str | None]]) -> bool:
    for name, value in attrs:
        if name == "class" and value and _QUOTE_CLASSES.intersection(value.split()):
            return True
        if name == "id" and value and value.strip().lower() in _QUOTE_IDS:
            return True
    return False


def html_to_text(markup: str) -> str:
    """The text of an HTML body: lines, `> ` quotes, entities decoded, whitespace tidied."""
    parser = _TextParser()
    try:
        parser.feed(markup)
        parser.close()
        lines = parser.lines
    except Exception:  # html.parser has had crash bugs on hostile input; the text still counts
        lines = [(0, html.unescape(_TAG.sub(" ", markup)))]
    return _tidy(lines)


def _tidy(lines: list[tuple[int, str]]) -> str:
    out: list[str] = []
    for depth, raw in lines:
        for piece in raw.split("\n"):
            text = _SPACES.sub(" ", _INVISIBLE.sub("", piece)).strip()
            line = ("> " * depth + text).rstrip() if depth else text
            if line or (out and out[-1]):  # at most one blank line in a row
                out.append(line)
    return "\n".join(out).strip("\n")
