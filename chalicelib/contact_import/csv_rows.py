"""The rows of an uploaded contacts CSV, each a valid `contact_added` or a reason it is not.

The files people upload are what their tools export, not what we would design: LinkedIn's
`Connections.csv` opens with a few lines of notes before its header and leaves most emails
empty; spreadsheets in some locales separate cells with `;`; Excel on Windows saves in
Windows-1252. So the header is looked for rather than assumed, the delimiter is read off it,
and the text is decoded as UTF-8 or else Windows-1252.

A file that cannot be read at all is an `ImportFileError`; a row that is wrong is a
`RowError` naming its line and the column the user knows, and never stops the other rows.
Line numbers are physical lines, counted from the top of the file (preamble included), so a
user can find the row in a text editor even when a quoted cell spans several lines.

Pure: no AWS, no web framework. The service decides what to do with the rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from chalicelib.domain.events import ContactAdded
from chalicelib.domain.new_values import LinkedinUrl, PersonName
from chalicelib.domain.vocabulary import Source

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

DELIMITERS = (",", ";", "\t")

# Each field of a contact, and the header names (normalised by `_normalise`) that fill it.
_ALIASES: dict[str, frozenset[str]] = {
    "name": frozenset({"name", "fullname"}),
    "first_name": frozenset({"firstname", "givenname"}),
    "last_name": frozenset({"lastname", "surname", "familyname"}),
    "email": frozenset({"email", "emailaddress"}),
    "company": frozenset({"company", "organization", "organisation"}),
    "role": frozenset({"role", "position", "title", "jobtitle"}),
    "linkedin_url": frozenset({"linkedin", "linkedinurl", "url", "profileurl"}),
    "notes": frozenset({"notes"}),
    "introduced_by": frozenset({"introducedby"}),
    "connected_on": frozenset({"connectedon"}),
}
_COLUMN_OF = {alias: column for column, aliases in _ALIASES.items() for alias in aliases}
_IGNORED_IN_HEADERS = re.compile(r"[\s_\-.\ufeff]+")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
_SCHEMELESS_LINKEDIN = re.compile(r"(?:[A-Za-z0-9-]+\.)*linkedin\.com(?:[/?#]|$)", re.IGNORECASE)

_REASONS = {"email": "not a valid email address"}


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; nothing in it was read as contacts.

    The message is a sentence for the person who uploaded it; `field` is the request part
    to blame in an API error.
    """

    field = "body"


@dataclass(frozen=True)
class ImportRow:
    """A row that makes a valid contact; `line` is where its record starts in the file."""

    line: int
    contact: ContactAdded


@dataclass(frozen=True)
class RowError:
    """A row that makes no contact: one per row, its problems joined by `; `, each
    `<column as the file names it>: <reason>`."""

    line: int
    message: str


@dataclass(frozen=True)
class ParsedFile:
    rows: tuple[ImportRow, ...]
    errors: tuple[RowError, ...]

    @property
    def count(self) -> int:
        """The data rows of the file that were not blank, good or bad."""
        return len(self.rows) + len({error.line for error in self.errors})


class _NewContact(ContactAdded):
    """The rules `POST /contacts` holds a new contact to (`api.schemas.ContactCreate`): a
    name a person can read, a profile on linkedin.com. Only used to check a row: the row's
    contact is a plain `ContactAdded`, as the store expects."""

    name: PersonName
    introduced_by: PersonName | None = None
    linkedin_url: LinkedinUrl | None = None


@dataclass(frozen=True)
class _Header:
    """Which cell of a row fills which field, and what the file calls that column."""

    cells: Mapping[str, int]
    labels: Mapping[str, str]

    def value(self, row: Sequence[str], column: str) -> str | None:
        index = self.cells.get(column)
        if index is None or index >= len(row):
            return None
        # A cell's own line breaks are the file's (`\r\n` from Windows): stored as `\n`.
        return row[index].replace("\r\n", "\n").replace("\r", "\n").strip() or None

    def label(self, column: str) -> str:
        return self.labels.get(column, column)

    def name_label(self) -> str:
        if "name" in self.labels:
            return self.labels["name"]
        parts = [self.labels[c] for c in ("first_name", "last_name") if c in self.labels]
        return "/".join(parts)


def parse_contacts_csv(data: bytes) -> ParsedFile:
    """Every non-blank data row of the file, as a contact or as an error.

    Raises ImportFileError when the file is too large, empty, not text, has no header naming
    the contact (`Name`, or `First Name` and `Last Name`) or holds more than MAX_ROWS rows.
    """
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into smaller "
            "files and import each one."
        )
    text = _decode(data)
    if not text.strip():
        raise ImportFileError("The file is empty.")
    lines = list(io.StringIO(text, newline=""))
    start, delimiter, header = _find_header(lines)
    reader = csv.reader(lines[start:], delimiter=delimiter, skipinitialspace=True)
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    counted = 0
    for line, cells in _records(reader, first_line=start + 1):
        if not any(cell.strip() for cell in cells):
            continue
        counted += 1
        if counted > MAX_ROWS:
            raise ImportFileError(
                f"The file has more than {MAX_ROWS} contacts: split it into smaller files and "
                "import each one."
            )
        result = _row(header, cells, line)
        if isinstance(result, RowError):
            errors.append(result)
        else:
            rows.append(result)
    if counted == 0:
        raise ImportFileError("The file has a header row but no contacts below it.")
    return ParsedFile(tuple(rows), tuple(errors))


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or UTF-16 with one (Excel's "Unicode
    text"), else Windows-1252 (Excel's CSV on Windows): the encodings uploads arrive in."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # a binary file, or UTF-16 without its mark: no text we can read
        return text
    raise ImportFileError(
        "The file is not a text CSV file: save it as CSV (UTF-8) and upload it again."
    )


def _normalise(cell: str) -> str:
    return _IGNORED_IN_HEADERS.sub("", cell).casefold()


def _is_header(cells: Sequence[str]) -> bool:
    names = {_normalise(cell) for cell in cells}
    columns = {_COLUMN_OF.get(name) for name in names}
    return "name" in columns or {"first_name", "last_name"} <= columns


def _find_header(lines: Sequence[str]) -> tuple[int, str, _Header]:
    """The header's line index, its delimiter and its columns.

    The header is the first line that, split by one of the delimiters, names the contact;
    what comes before it (LinkedIn's notes) is skipped. Of the delimiters that make it a
    header, the one naming the most known columns wins, and ties go to the comma (a lone
    `Name` is a header by any of them).
    """
    for index, line in enumerate(lines):
        best: tuple[int, int, str, list[str]] | None = None
        for rank, delimiter in enumerate(DELIMITERS):
            cells = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
            if not _is_header(cells):
                continue
            known = sum(_normalise(cell) in _COLUMN_OF for cell in cells)
            candidate = (known, -rank, delimiter, cells)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
        if best is not None:
            return index, best[2], _header(best[3])
    raise ImportFileError(
        "The file has no header row naming the contacts: its first row should name the "
        "columns, with Name (or First Name and Last Name) among them."
    )


def _header(cells: Sequence[str]) -> _Header:
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, cell in enumerate(cells):
        column = _COLUMN_OF.get(_normalise(cell))
        if column is not None and column not in positions:  # the first of a repeated column
            positions[column] = index
            labels[column] = cell.strip().lstrip("\ufeff")
    return _Header(positions, labels)


def _records(reader: Any, first_line: int) -> Iterator[tuple[int, list[str]]]:
    """Each record after the header, with the physical line it starts on.

    `reader.line_num` counts the lines read so far, so a record starts on the line after
    the ones its predecessors used, however many lines their quoted cells spanned.
    """
    line = first_line
    try:
        next(reader)  # the header
        while True:
            line = first_line + reader.line_num
            try:
                cells = next(reader)
            except StopIteration:
                return
            yield line, cells
    except csv.Error as error:
        raise ImportFileError(f"Line {line} cannot be read as CSV ({error}).") from error


def _row(header: _Header, cells: Sequence[str], line: int) -> ImportRow | RowError:
    problems: list[str] = []
    fields: dict[str, str] = {}
    labels = {field: header.label(field) for field in _ALIASES}
    labels["name"] = header.name_label()

    name = header.value(cells, "name") or " ".join(
        part
        for part in (header.value(cells, "first_name"), header.value(cells, "last_name"))
        if part
    )
    if name:
        fields["name"] = name
    else:
        problems.append(f"{labels['name']}: missing")
    for field in ("email", "company", "role", "introduced_by"):
        value = header.value(cells, field)
        if value is not None:
            fields[field] = value
    url = header.value(cells, "linkedin_url")
    if url is not None:
        fields["linkedin_url"] = _https(url)

    notes = [text for text in (header.value(cells, "notes"),) if text]
    connected = header.value(cells, "connected_on")
    if connected is not None:
        day = _date(connected)
        if day is None:
            problems.append(f"{labels['connected_on']}: not a date like 15 Mar 2024 or 2024-03-15")
        else:
            notes.append(f"Connected on LinkedIn on {day.isoformat()}.")
    if notes:
        fields["notes"] = "\n".join(notes)
        if "notes" not in header.cells:
            labels["notes"] = labels["connected_on"]
    if "introduced_by" in fields:
        fields["source"] = Source.INTRODUCTION

    try:
        checked = _NewContact.model_validate(fields)
    except ValidationError as error:
        # A missing name is said above, in the file's words.
        problems.extend(p for f, p in _problems(error, labels) if f in fields)
        return RowError(line, "; ".join(problems))
    if problems:
        return RowError(line, "; ".join(problems))
    # Not validated again: `_NewContact`'s rules include ContactAdded's, and the email check
    # is most of an import's time (the mailer's own parser reads every address).
    values = {name: getattr(checked, name) for name in ContactAdded.model_fields}
    return ImportRow(
        line, ContactAdded.model_construct(_fields_set=checked.model_fields_set, **values)
    )


def _https(url: str) -> str:
    """LinkedIn's own links, as people paste them: `http://` and `www.linkedin.com/...`
    both mean its https page. Anything else is left for the validation to judge."""
    if url[:7].lower() == "http://":
        return "https://" + url[7:]
    if _SCHEMELESS_LINKEDIN.match(url):
        return "https://" + url
    return url


def _date(text: str) -> date | None:
    """`15 Mar 2024` (LinkedIn's export), `2024-03-15` or `03/15/2024` (US, as Excel
    rewrites dates), or None. Month names are matched in English, whatever the locale."""
    try:
        if match := _DAY_MONTH_YEAR.fullmatch(text):
            month = _MONTHS.get(match[2].casefold())
            return None if month is None else date(int(match[3]), month, int(match[1]))
        if match := _ISO_DATE.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _US_DATE.fullmatch(text):
            year = int(match[3])
            return date(year + 2000 if year < 100 else year, int(match[1]), int(match[2]))
    except ValueError:  # 31 Feb
        return None
    return None


def _problems(error: ValidationError, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each problem as (field, `<column>: <reason>`), in the words of the file's header."""
    problems = []
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else "row"
        problems.append((field, f"{labels.get(field, field)}: {_reason(field, detail)}"))
    return problems


def _reason(field: str, detail: Any) -> str:
    kind = detail["type"]
    context = detail.get("ctx") or {}
    if kind == "string_too_long":
        return f"longer than {context['max_length']} characters"
    if kind in ("string_too_short", "missing"):
        return "missing"
    if kind == "value_error":
        return _REASONS.get(field) or str(context.get("error", detail["msg"]))
    return str(detail["msg"])
