"""A strict RFC 5545 checker for the bytes Rapport serves, written without icalendar.

Why our own: a round trip through icalendar proves only that icalendar agrees with itself (its
parser is lenient and would accept a bare LF or an unescaped comma). This reads the octets the
way a strict client would and raises AssertionError naming the first violation and its line.

It checks what the feed and the invite use, more strictly than most clients:

- lines: CRLF only, at most 75 octets, each physical line valid UTF-8 on its own (so folding
  never splits a character), continuation lines start with one space or tab, no control
  characters but HTAB;
- content lines: ``name *(";" param) ":" value``, with iana-token / x-name names;
- components: BEGIN/END nested and matched, one VCALENDAR with exactly one PRODID and
  VERSION:2.0; each VEVENT has one UID, one DTSTAMP in UTC, one DTSTART, not both DTEND and
  DURATION, a DTEND of the DTSTART's value type and after it; UIDs unique in the calendar;
  VALARM has ACTION and TRIGGER (and DESCRIPTION for DISPLAY);
- values: DATE / DATE-TIME / DURATION syntax, TEXT escaping (only ``\\\\ \\; \\, \\n \\N``, no
  bare ``,`` or ``;``) in the single-valued text properties.

One leniency, on purpose: RFC 5545's grammar asks for at least one component in a VCALENDAR, but
a subscription with nothing upcoming must still be served, and clients accept an empty one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import NoReturn

MAX_OCTETS = 75
CRLF = b"\r\n"

_NAME = re.compile(r"[A-Za-z0-9-]+")
# CTL = %x00-08 / %x0A-1F / %x7F (RFC 5545 section 3.1): never allowed in a value.
_CTL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_SAFE_CHAR = re.compile(r'[^\x00-\x08\x0a-\x1f\x7f";:,]*')  # paramtext
_QSAFE_CHAR = re.compile(r'[^\x00-\x08\x0a-\x1f\x7f"]*')  # inside a quoted-string
_DATE = re.compile(r"\d{8}")
_DATE_TIME = re.compile(r"\d{8}T\d{6}Z?")
_UTC_DATE_TIME = re.compile(r"\d{8}T\d{6}Z")
_DUR_TIME = r"T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S)"
_DURATION = re.compile(rf"[+-]?P(?:\d+W|\d+D(?:{_DUR_TIME})?|{_DUR_TIME})")
_TEXT_ESCAPES = frozenset("\\;,nN")

# Single-valued TEXT properties: a comma or semicolon in them must be escaped.
TEXT_PROPERTIES = frozenset({"SUMMARY", "LOCATION", "DESCRIPTION", "COMMENT", "NAME"})
TEXT_X_PROPERTIES = frozenset({"X-WR-CALNAME", "X-WR-CALDESC"})
DATE_TIME_PROPERTIES = frozenset(
    {"DTSTART", "DTEND", "DTSTAMP", "CREATED", "LAST-MODIFIED", "RECURRENCE-ID", "DUE"}
)
# Properties that may occur at most once in each component (RFC 5545 section 3.6.1, 3.7).
AT_MOST_ONCE = {
    "VCALENDAR": frozenset({"CALSCALE", "METHOD", "NAME", "REFRESH-INTERVAL", "X-WR-CALNAME"}),
    "VEVENT": frozenset(
        {
            "CLASS",
            "CREATED",
            "DESCRIPTION",
            "DTEND",
            "DURATION",
            "GEO",
            "LAST-MODIFIED",
            "LOCATION",
            "ORGANIZER",
            "PRIORITY",
            "RECURRENCE-ID",
            "SEQUENCE",
            "STATUS",
            "SUMMARY",
            "TRANSP",
            "URL",
        }
    ),
    "VALARM": frozenset({"DURATION", "REPEAT", "DESCRIPTION", "SUMMARY"}),
}


@dataclass
class ContentLine:
    """One unfolded content line: ``name *(";" param) ":" value``."""

    number: int  # the physical line it starts on, 1-based
    name: str  # upper-cased: names are case-insensitive
    params: dict[str, list[str]]
    value: str


@dataclass
class Component:
    name: str
    begin: int
    properties: list[ContentLine] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def all(self, name: str) -> list[ContentLine]:
        return [prop for prop in self.properties if prop.name == name]


def _fail(number: int, message: str, line: str | bytes = "") -> NoReturn:
    shown = f": {line[:100]!r}" if line else ""
    raise AssertionError(f"line {number}: {message}{shown}")


def _physical_lines(data: bytes) -> list[str]:
    """The CRLF-separated lines, each checked for terminator, length and UTF-8."""
    if not isinstance(data, bytes):
        raise AssertionError(f"expected bytes, got {type(data).__name__}")
    if not data:
        raise AssertionError("empty input: no VCALENDAR")
    terminated = data.endswith(CRLF)
    body = data[: -len(CRLF)] if terminated else data
    lines = []
    for number, raw in enumerate(body.split(CRLF), 1):
        if b"\n" in raw:
            _fail(number, "bare LF (lines must end with CRLF)", raw)
        if b"\r" in raw:
            _fail(number, "bare CR (lines must end with CRLF)", raw)
        if len(raw) > MAX_OCTETS:
            _fail(number, f"{len(raw)} octets, more than {MAX_OCTETS} (fold it)", raw)
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            _fail(number, f"not UTF-8 on its own (folded mid-character?): {error.reason}", raw)
    if not terminated:
        _fail(len(lines), "the last line does not end with CRLF")
    return lines


def _unfold_numbered(data: bytes) -> list[tuple[int, str]]:
    unfolded: list[tuple[int, str]] = []
    for number, line in enumerate(_physical_lines(data), 1):
        if line[:1] in (" ", "\t"):
            if not unfolded:
                _fail(number, "the first line is a continuation line", line)
            # Unfolding removes the CRLF and exactly one whitespace character (section 3.1).
            start, text = unfolded[-1]
            unfolded[-1] = (start, text + line[1:])
        elif not line:
            _fail(number, "empty line (not a content line)")
        else:
            unfolded.append((number, line))
    return unfolded


def unfold(data: bytes) -> list[str]:
    """The content lines of `data`, unfolded, after checking the physical lines.

    Raises AssertionError on a bare CR or LF, a line over 75 octets, invalid UTF-8, an empty
    line, or a continuation line with nothing to continue.
    """
    return [line for _, line in _unfold_numbered(data)]


def parse_line(number: int, line: str) -> ContentLine:
    """Split a content line into name, parameters and value, or raise AssertionError."""
    match = _NAME.match(line)
    if not match:
        _fail(number, "no property name (iana-token or x-name)", line)
    name = match.group().upper()
    position = match.end()
    params: dict[str, list[str]] = {}
    while position < len(line) and line[position] == ";":
        param = _NAME.match(line, position + 1)
        if not param:
            _fail(number, "bad parameter name", line)
        param_name = param.group().upper()
        if param_name in params:
            _fail(number, f"parameter {param_name} given twice", line)
        position = param.end()
        if line[position : position + 1] != "=":
            _fail(number, f"parameter {param_name} has no '='", line)
        values = []
        while True:
            position += 1  # past "=" or ","
            if line[position : position + 1] == '"':
                quoted = _QSAFE_CHAR.match(line, position + 1)
                assert quoted is not None  # the pattern matches the empty string
                if line[quoted.end() : quoted.end() + 1] != '"':
                    _fail(number, f"unterminated quoted value of {param_name}", line)
                values.append(quoted.group())
                position = quoted.end() + 1
            else:
                plain = _SAFE_CHAR.match(line, position)
                assert plain is not None
                values.append(plain.group())
                position = plain.end()
            if line[position : position + 1] != ",":
                break
        params[param_name] = values
    if line[position : position + 1] != ":":
        _fail(number, f"expected ':' after the name and parameters of {name}", line)
    value = line[position + 1 :]
    if _CTL.search(value):
        _fail(number, f"control character in the value of {name}", line)
    return ContentLine(number, name, params, value)


def _components(lines: list[tuple[int, str]]) -> Component:
    """Build the BEGIN/END tree; there must be exactly one top-level VCALENDAR."""
    root: Component | None = None
    stack: list[Component] = []
    for number, text in lines:
        line = parse_line(number, text)
        if line.name in ("BEGIN", "END"):
            if line.params:
                _fail(number, f"{line.name} takes no parameters", text)
            if not _NAME.fullmatch(line.value):
                _fail(number, f"bad component name in {line.name}", text)
        if line.name == "BEGIN":
            component = Component(line.value.upper(), number)
            if stack:
                stack[-1].children.append(component)
            elif root is not None:
                _fail(number, "content after END:VCALENDAR", text)
            else:
                root = component
            stack.append(component)
        elif line.name == "END":
            if not stack:
                _fail(number, f"END:{line.value} without a BEGIN", text)
            if stack[-1].name != line.value.upper():
                _fail(number, f"END:{line.value} closes BEGIN:{stack[-1].name}", text)
            stack.pop()
        elif not stack:
            _fail(number, "property outside any component", text)
        else:
            stack[-1].properties.append(line)
    if stack:
        raise AssertionError(f"BEGIN:{stack[-1].name} (line {stack[-1].begin}) is never ENDed")
    if root is None:
        raise AssertionError("no component at all in the input")
    if root.name != "VCALENDAR":
        _fail(root.begin, f"the top-level component is {root.name}, not VCALENDAR")
    return root


def _one(component: Component, name: str) -> ContentLine:
    found = component.all(name)
    if len(found) != 1:
        raise AssertionError(
            f"{component.name} (line {component.begin}) has {len(found)} {name}, needs exactly 1"
        )
    return found[0]


def _check_at_most_once(component: Component) -> None:
    for name in sorted(AT_MOST_ONCE.get(component.name, frozenset())):
        found = component.all(name)
        if len(found) > 1:
            _fail(found[1].number, f"{name} repeated in {component.name}")


def _check_text(line: ContentLine) -> None:
    """A single-valued TEXT value: backslash escapes only ``\\\\ \\; \\, \\n \\N``; no bare , ;."""
    value = line.value
    index = 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            following = value[index + 1 : index + 2]
            if following not in _TEXT_ESCAPES:
                _fail(line.number, f"bad escape '\\{following}' in {line.name}", value)
            index += 2
            continue
        if char in ",;":
            _fail(line.number, f"unescaped {char!r} in {line.name}", value)
        index += 1


def _value_type(line: ContentLine) -> str:
    values = line.params.get("VALUE", ["DATE-TIME"])
    if len(values) != 1:
        _fail(line.number, f"VALUE of {line.name} must be one value")
    return values[0].upper()


def _moment(line: ContentLine) -> tuple[str, datetime]:
    """Check a DATE / DATE-TIME property's syntax; return its value type and its moment."""
    kind = _value_type(line)
    value = line.value
    if kind == "DATE":
        if not _DATE.fullmatch(value):
            _fail(line.number, f"{line.name};VALUE=DATE must be YYYYMMDD", value)
        pattern = "%Y%m%d"
    elif kind == "DATE-TIME":
        if not _DATE_TIME.fullmatch(value):
            _fail(line.number, f"{line.name} must be a DATE-TIME YYYYMMDDTHHMMSS[Z]", value)
        if value.endswith("Z") and "TZID" in line.params:
            _fail(line.number, f"{line.name} is UTC (Z) and has a TZID", value)
        pattern = "%Y%m%dT%H%M%S"
    else:
        _fail(line.number, f"{line.name} has VALUE={kind}, expected DATE or DATE-TIME", value)
    try:
        moment = datetime.strptime(value.rstrip("Z"), pattern)
    except ValueError:
        _fail(line.number, f"{line.name} is not a real date or time", value)
    return kind, moment


def _check_duration(line: ContentLine) -> None:
    if not _DURATION.fullmatch(line.value):
        _fail(line.number, f"{line.name} is not a DURATION", line.value)


def _check_values(component: Component) -> None:
    for line in component.properties:
        if line.name in TEXT_PROPERTIES or line.name in TEXT_X_PROPERTIES:
            _check_text(line)
        elif line.name in DATE_TIME_PROPERTIES:
            _moment(line)
        elif line.name in ("DURATION", "X-PUBLISHED-TTL"):
            _check_duration(line)
        elif line.name == "SEQUENCE" and not line.value.isdigit():
            _fail(line.number, "SEQUENCE must be a non-negative integer", line.value)
        elif line.name == "TRANSP" and line.value not in ("OPAQUE", "TRANSPARENT"):
            _fail(line.number, "TRANSP must be OPAQUE or TRANSPARENT", line.value)
        elif line.name == "REFRESH-INTERVAL":
            # RFC 7986 section 5.7: the VALUE=DURATION parameter is required, not defaulted.
            if line.params.get("VALUE") != ["DURATION"]:
                _fail(line.number, "REFRESH-INTERVAL needs VALUE=DURATION (RFC 7986)")
            _check_duration(line)


def _check_calendar(calendar: Component) -> None:
    _one(calendar, "PRODID")
    version = _one(calendar, "VERSION")
    if version.value != "2.0":
        _fail(version.number, "VERSION must be 2.0", version.value)
    _check_at_most_once(calendar)
    _check_values(calendar)
    uids: dict[tuple[str, str], int] = {}
    for child in calendar.children:
        if child.name == "VCALENDAR":
            _fail(child.begin, "VCALENDAR nested in VCALENDAR")
        if child.name == "VALARM":
            _fail(child.begin, "VALARM directly in VCALENDAR (it belongs in a VEVENT or VTODO)")
        if child.name == "VEVENT":
            uid = _check_event(child)
            recurrence = child.all("RECURRENCE-ID")
            key = (uid, recurrence[0].value if recurrence else "")
            if key in uids:
                _fail(child.begin, f"UID {uid} already used by the VEVENT on line {uids[key]}")
            uids[key] = child.begin


def _check_event(event: Component) -> str:
    """Check a VEVENT and its alarms; return its UID."""
    uid = _one(event, "UID")
    if not uid.value:
        _fail(uid.number, "empty UID")
    stamp = _one(event, "DTSTAMP")
    if not _UTC_DATE_TIME.fullmatch(stamp.value) or _value_type(stamp) != "DATE-TIME":
        _fail(stamp.number, "DTSTAMP must be a UTC DATE-TIME (YYYYMMDDTHHMMSSZ)", stamp.value)
    _check_at_most_once(event)
    _check_values(event)
    start = _one(event, "DTSTART")
    ends = event.all("DTEND")
    if ends and event.all("DURATION"):
        _fail(ends[0].number, "VEVENT has both DTEND and DURATION")
    if ends:
        _check_end(start, ends[0])
    for child in event.children:
        if child.name != "VALARM":
            _fail(child.begin, f"{child.name} inside VEVENT")
        _check_alarm(child)
    return uid.value


def _check_end(start: ContentLine, end: ContentLine) -> None:
    start_kind, start_at = _moment(start)
    end_kind, end_at = _moment(end)
    if start_kind != end_kind:
        _fail(end.number, f"DTEND is a {end_kind} but DTSTART is a {start_kind}")
    comparable = start.value.endswith("Z") == end.value.endswith("Z") and start.params.get(
        "TZID"
    ) == end.params.get("TZID")
    if comparable and end_at <= start_at:
        _fail(end.number, f"DTEND {end.value} is not after DTSTART {start.value}")


def _check_alarm(alarm: Component) -> None:
    if alarm.children:
        _fail(alarm.children[0].begin, "component inside VALARM")
    action = _one(alarm, "ACTION")
    trigger = _one(alarm, "TRIGGER")
    if trigger.params.get("VALUE", ["DURATION"]) == ["DATE-TIME"]:
        if not _UTC_DATE_TIME.fullmatch(trigger.value):
            _fail(trigger.number, "an absolute TRIGGER must be a UTC DATE-TIME", trigger.value)
    else:
        _check_duration(trigger)
    if action.value.upper() == "DISPLAY":
        _one(alarm, "DESCRIPTION")
    if bool(alarm.all("DURATION")) != bool(alarm.all("REPEAT")):
        _fail(alarm.begin, "VALARM has one of DURATION and REPEAT without the other")
    _check_at_most_once(alarm)
    _check_values(alarm)


def check_ics(data: bytes) -> None:
    """Raise AssertionError naming the first way `data` is not a valid iCalendar stream."""
    _check_calendar(_components(_unfold_numbered(data)))
