"""The commands on the first lines of a reply to a reminder: `done`, `2 snooze 1w`, `stop`.

One command a line, read from the top: the first line that is not one ends the commands (what
follows is a greeting, a signature, a phone's "Sent from"), and a reply that does not start with
a command has none: guessing at prose could archive a contact the person meant to keep.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

MAX_COMMANDS = 20
MAX_NOT_UNDERSTOOD = 3
# An echoed line is quoted back to its writer; a bound keeps that answer short.
_ECHO_CHARS = 200
# A line this long is prose, whatever it starts with; only its start is looked at.
_MAX_LINE = 1000
DEFAULT_SNOOZE = timedelta(days=3)
# Others decide the allowed range; past a year a number is a typo, not a wish.
MAX_SNOOZE = timedelta(days=365)
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_COMMAND = re.compile(
    r"""
    (?:\#?(?P<item>[0-9]{1,3})(?:\s*[.):]\s*|\s+))?    # 2 done, 2. done, 2) done, #2 done
    (?P<verb>done|snooze|archive|stop)
    (?:\s+(?:for\s+)?(?P<amount>[0-9]{1,4})\s*
       (?P<unit>h|hrs?|hours?|d|days?|w|wks?|weeks?)?)?  # snooze 3d, snooze 2 weeks, 12h
    [.!]*
    """,
    re.IGNORECASE | re.ASCII | re.VERBOSE,
)


class Verb(StrEnum):
    DONE = "done"
    SNOOZE = "snooze"
    ARCHIVE = "archive"
    STOP = "stop"


@dataclass(frozen=True)
class ReplyCommand:
    """One command: its line in the reply's new text (1-based) and the item number written
    before it (None when the line names no item; what that means is the caller's rule)."""

    line: int
    item: int | None
    verb: Verb
    snooze_for: timedelta | None = None  # set for snooze only


@dataclass(frozen=True)
class ParsedReply:
    commands: tuple[ReplyCommand, ...] = ()
    # When the reply does not start with a command: its first non-blank lines, for the answer.
    not_understood: tuple[str, ...] = ()


def parse_commands(text: str) -> ParsedReply:
    """The commands at the top of a reply's new text (see `reply_text.new_text`)."""
    commands: list[ReplyCommand] = []
    not_understood: list[str] = []
    for number, raw in enumerate(_lines(text), start=1):
        line = " ".join(_visible(raw[:_MAX_LINE]).split())
        if line == "--":  # the signature delimiter "-- "
            break
        if not line:
            continue
        command = None if not_understood or len(raw) > _MAX_LINE else _command(line, number)
        if command is not None:
            commands.append(command)
            if len(commands) == MAX_COMMANDS:
                break
        elif commands:
            break
        else:
            not_understood.append(line[:_ECHO_CHARS])
            if len(not_understood) == MAX_NOT_UNDERSTOOD:
                break
    return ParsedReply(tuple(commands), tuple(not_understood))


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _visible(line: str) -> str:
    # Format characters (zero-width spaces, bidi marks, a BOM) that editors slip into text.
    return "".join(char for char in line if unicodedata.category(char) != "Cf")


def _command(line: str, number: int) -> ReplyCommand | None:
    match = _COMMAND.fullmatch(line)
    if match is None:
        return None
    item = int(match["item"]) if match["item"] else None
    verb = Verb(match["verb"].lower())
    if item == 0:
        return None
    if verb is not Verb.SNOOZE:
        return None if match["amount"] else ReplyCommand(number, item, verb)
    snooze_for = _duration(match["amount"], match["unit"])
    if snooze_for is None:
        return None
    return ReplyCommand(number, item, verb, snooze_for)


def _duration(amount: str | None, unit: str | None) -> timedelta | None:
    if amount is None:
        return DEFAULT_SNOOZE
    # A bare number counts days ("snooze 3"), the unit the reminders' own links use.
    duration = int(amount) * _UNITS[(unit or "d")[0].lower()]
    return duration if timedelta(0) < duration <= MAX_SNOOZE else None
