"""The checker catches broken iCalendar: a checker that passes everything would prove nothing.

Each case starts from one small valid calendar, written out here by hand (it is test input, not
output), and breaks one rule; the checker must name the problem.
"""

from __future__ import annotations

import re

import pytest

from tests.calendar_feed.rfc5545 import check_ics, unfold

VALID_LINES = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Rapport//Checker tests//EN",
    "METHOD:PUBLISH",
    r"X-WR-CALNAME:Ada\, Inc.",
    "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    "X-PUBLISHED-TTL:PT1H",
    "BEGIN:VEVENT",
    "UID:interview-c-ada@rapport.example",
    "DTSTAMP:20260501T093000Z",
    "DTSTART:20260504T150000Z",
    "DTEND:20260504T153000Z",
    "SEQUENCE:2",
    r"SUMMARY:Interview with Ada\, Lovelace\; \\ 😀",
    r"DESCRIPTION:Your questions:\n1. Why?\N2. How?",
    'LOCATION;ALTREP="https://example.com/a,b;c":Zoom',
    "BEGIN:VALARM",
    "ACTION:DISPLAY",
    "TRIGGER:-PT30M",
    "DESCRIPTION:Soon",
    "END:VALARM",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "UID:due-c-bob-send_follow_up@rapport.example",
    "DTSTAMP:20260501T093000Z",
    "DTSTART;VALUE=DATE:20260506",
    "DTEND;VALUE=DATE:20260507",
    "TRANSP:TRANSPARENT",
    "SUMMARY:Send a follow-up: Bob",
    "END:VEVENT",
    "END:VCALENDAR",
]


def _ics(lines: list[str]) -> bytes:
    return "".join(f"{line}\r\n" for line in lines).encode()


def _replace(old: str, new: str | None) -> bytes:
    """The valid calendar with the first line `old` replaced by `new` (or removed)."""
    lines = list(VALID_LINES)
    index = lines.index(old)
    if new is None:
        del lines[index]
    else:
        lines[index] = new
    return _ics(lines)


VALID = _ics(VALID_LINES)


def test_the_valid_calendar_passes() -> None:
    check_ics(VALID)


def test_a_folded_line_passes_and_unfolds() -> None:
    long = "SUMMARY:" + "x" * 67 + "\r\n " + "y" * 70 + "\r\n\t" + "z"
    data = _replace("SUMMARY:Send a follow-up: Bob", long)

    check_ics(data)
    assert "SUMMARY:" + "x" * 67 + "y" * 70 + "z" in unfold(data)


def test_an_empty_calendar_passes() -> None:
    check_ics(_ics(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//y//EN", "END:VCALENDAR"]))


BROKEN = {
    # -- Lines
    "bare LF": (VALID.replace(b"METHOD:PUBLISH\r\n", b"METHOD:PUBLISH\n"), "bare LF"),
    "bare CR": (VALID.replace(b"METHOD:PUBLISH\r\n", b"METHOD:PUBLISH\r"), "bare CR"),
    "LF-only file": (VALID.replace(b"\r\n", b"\n"), "bare LF"),
    "no final CRLF": (VALID[:-2], "does not end with CRLF"),
    "80-octet line": (
        _replace("SUMMARY:Send a follow-up: Bob", "SUMMARY:" + "x" * 72),
        "80 octets",
    ),
    "76 octets of multibyte text": (
        _replace("SUMMARY:Send a follow-up: Bob", "SUMMARY:" + "é" * 34),  # 8 + 68 octets
        "76 octets",
    ),
    "fold splits a character": (
        VALID.replace("😀".encode(), "😀".encode()[:2] + b"\r\n " + "😀".encode()[2:]),
        "not UTF-8",
    ),
    "invalid UTF-8": (VALID.replace(b"Bob", b"B\xffb"), "not UTF-8"),
    "empty line": (VALID.replace(b"METHOD:PUBLISH\r\n", b"METHOD:PUBLISH\r\n\r\n"), "empty line"),
    "continuation first": (b" " + VALID, "first line is a continuation"),
    "control character": (_replace("SUMMARY:Send a follow-up: Bob", "SUMMARY:Bob\x07"), "control"),
    # -- Content lines
    "no colon": (_replace("METHOD:PUBLISH", "METHOD PUBLISH"), "expected ':'"),
    "bad name": (_replace("METHOD:PUBLISH", "MÉTHOD:PUBLISH"), "expected ':'"),
    "no name": (_replace("METHOD:PUBLISH", ":PUBLISH"), "no property name"),
    "param without =": (_replace("DTSTART;VALUE=DATE:20260506", "DTSTART;VALUE:20260506"), "'='"),
    "unterminated quote": (
        _replace('LOCATION;ALTREP="https://example.com/a,b;c":Zoom', 'LOCATION;ALTREP="x:Zoom'),
        "unterminated",
    ),
    "param twice": (
        _replace("DTSTART;VALUE=DATE:20260506", "DTSTART;VALUE=DATE;VALUE=DATE:20260506"),
        "given twice",
    ),
    # -- Components
    "unbalanced END": (_replace("END:VALARM", None), "END:VEVENT closes BEGIN:VALARM"),
    "END without BEGIN": (VALID + b"END:VEVENT\r\n", "without a BEGIN"),
    "never ENDed": (VALID.replace(b"END:VCALENDAR\r\n", b""), "never ENDed"),
    "content after the calendar": (VALID + b"BEGIN:VCALENDAR\r\n", "after END:VCALENDAR"),
    "not a calendar": (_ics(["BEGIN:VEVENT", "END:VEVENT"]), "not VCALENDAR"),
    "property outside": (b"X-FOO:bar\r\n" + VALID, "outside any component"),
    "empty input": (b"", "empty input"),
    # -- VCALENDAR
    "no PRODID": (_replace("PRODID:-//Rapport//Checker tests//EN", None), "0 PRODID"),
    "two PRODIDs": (
        _replace("METHOD:PUBLISH", "PRODID:-//Other//EN"),
        "2 PRODID",
    ),
    "VERSION 1.0": (_replace("VERSION:2.0", "VERSION:1.0"), "VERSION must be 2.0"),
    "no VERSION": (_replace("VERSION:2.0", None), "0 VERSION"),
    "two METHODs": (_replace("X-PUBLISHED-TTL:PT1H", "METHOD:REQUEST"), "METHOD repeated"),
    "REFRESH-INTERVAL without VALUE": (
        _replace("REFRESH-INTERVAL;VALUE=DURATION:PT1H", "REFRESH-INTERVAL:PT1H"),
        "VALUE=DURATION",
    ),
    "bad TTL": (_replace("X-PUBLISHED-TTL:PT1H", "X-PUBLISHED-TTL:1 hour"), "not a DURATION"),
    # -- VEVENT
    "missing UID": (_replace("UID:interview-c-ada@rapport.example", None), "0 UID"),
    "duplicate UID": (
        _replace(
            "UID:due-c-bob-send_follow_up@rapport.example", "UID:interview-c-ada@rapport.example"
        ),
        "already used",
    ),
    "missing DTSTAMP": (_ics([line for line in VALID_LINES if "DTSTAMP" not in line]), "DTSTAMP"),
    "DTSTAMP without Z": (
        _replace("DTSTAMP:20260501T093000Z", "DTSTAMP:20260501T093000"),
        "DTSTAMP must be a UTC",
    ),
    "missing DTSTART": (_replace("DTSTART:20260504T150000Z", None), "0 DTSTART"),
    "DTEND and DURATION": (_replace("SEQUENCE:2", "DURATION:PT30M"), "both DTEND and DURATION"),
    "DTEND before DTSTART": (
        _replace("DTEND:20260504T153000Z", "DTEND:20260504T143000Z"),
        "not after DTSTART",
    ),
    "DTEND equal to an all-day DTSTART": (
        _replace("DTEND;VALUE=DATE:20260507", "DTEND;VALUE=DATE:20260506"),
        "not after DTSTART",
    ),
    "DTEND of another type": (
        _replace("DTEND;VALUE=DATE:20260507", "DTEND:20260507T000000Z"),
        "DTEND is a DATE-TIME but DTSTART is a DATE",
    ),
    "bad DATE-TIME": (
        _replace("DTSTART:20260504T150000Z", "DTSTART:2026-05-04T15:00:00Z"),
        "must be a DATE-TIME",
    ),
    "DATE-TIME as DATE": (
        _replace("DTSTART;VALUE=DATE:20260506", "DTSTART;VALUE=DATE:20260506T000000"),
        "VALUE=DATE must be YYYYMMDD",
    ),
    "impossible date": (
        _replace("DTSTART;VALUE=DATE:20260506", "DTSTART;VALUE=DATE:20260231"),
        "not a real date",
    ),
    "two SUMMARYs": (
        _replace("TRANSP:TRANSPARENT", "SUMMARY:Again"),
        "SUMMARY repeated",
    ),
    "negative SEQUENCE": (_replace("SEQUENCE:2", "SEQUENCE:-1"), "SEQUENCE"),
    "bad TRANSP": (_replace("TRANSP:TRANSPARENT", "TRANSP:CLEAR"), "TRANSP"),
    # -- TEXT
    "unescaped comma in SUMMARY": (
        _replace("SUMMARY:Send a follow-up: Bob", "SUMMARY:Send a follow-up, Bob"),
        "unescaped ','",
    ),
    "unescaped semicolon in LOCATION": (
        _replace('LOCATION;ALTREP="https://example.com/a,b;c":Zoom', "LOCATION:Room 1; Floor 2"),
        "unescaped ';'",
    ),
    "unescaped comma in X-WR-CALNAME": (
        _replace(r"X-WR-CALNAME:Ada\, Inc.", "X-WR-CALNAME:Ada, Inc."),
        "unescaped ','",
    ),
    "bad escape in DESCRIPTION": (
        _replace(r"DESCRIPTION:Your questions:\n1. Why?\N2. How?", r"DESCRIPTION:C:\path"),
        "bad escape",
    ),
    "trailing backslash": (
        _replace("SUMMARY:Send a follow-up: Bob", "SUMMARY:Bob\\"),
        "bad escape",
    ),
    # -- VALARM
    "alarm without ACTION": (_replace("ACTION:DISPLAY", None), "0 ACTION"),
    "alarm without TRIGGER": (_replace("TRIGGER:-PT30M", None), "0 TRIGGER"),
    "display alarm without DESCRIPTION": (_replace("DESCRIPTION:Soon", None), "0 DESCRIPTION"),
    "bad TRIGGER": (_replace("TRIGGER:-PT30M", "TRIGGER:-30M"), "not a DURATION"),
    "REPEAT without DURATION": (
        _replace("DESCRIPTION:Soon", "DESCRIPTION:Soon\r\nREPEAT:2"),
        "DURATION and REPEAT",
    ),
}


@pytest.mark.parametrize(("data", "message"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_input_is_caught(data: bytes, message: str) -> None:
    with pytest.raises(AssertionError, match=re.escape(message)) as caught:
        check_ics(data)

    # The message says where, so a failing feed test points at the line.
    assert "line" in str(caught.value) or "input" in str(caught.value)


def test_unfold_rejects_what_check_ics_rejects_about_lines() -> None:
    with pytest.raises(AssertionError, match="bare LF"):
        unfold(b"BEGIN:VCALENDAR\nEND:VCALENDAR\r\n")
    with pytest.raises(AssertionError, match="octets"):
        unfold(b"X-LONG:" + b"x" * 70 + b"\r\n")


def test_a_line_of_exactly_75_octets_passes() -> None:
    line = "SUMMARY:" + "é" * 33 + "x"  # 8 + 66 + 1 = 75 octets, 42 characters
    assert len(line.encode()) == 75

    check_ics(_replace("SUMMARY:Send a follow-up: Bob", line))
