"""The CSV files people upload, as their tools write them, read into contacts or row errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.contact_import.csv_rows import (
    MAX_BYTES,
    MAX_ROWS,
    ImportFileError,
    ImportRow,
    ParsedFile,
    RowError,
    parse_contacts_csv,
)
from chalicelib.domain.events import ContactAdded
from chalicelib.domain.vocabulary import Source

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(text: str) -> ParsedFile:
    return parse_contacts_csv(text.encode())


def only_row(parsed: ParsedFile) -> ImportRow:
    assert parsed.errors == ()
    assert len(parsed.rows) == 1
    return parsed.rows[0]


def only_error(parsed: ParsedFile) -> RowError:
    assert parsed.rows == ()
    assert len(parsed.errors) == 1
    return parsed.errors[0]


# LinkedIn's Connections.csv ----------------------------------------------------------------


def test_the_linkedin_export_skips_its_notes_and_reads_every_connection() -> None:
    parsed = parse_contacts_csv(fixture("linkedin_connections.csv"))

    assert parsed.errors == ()
    assert parsed.count == 5
    assert [(row.line, row.contact.name) for row in parsed.rows] == [
        (5, "Ada Lovelace"),
        (6, "Grace Hopper"),
        (8, "Alan Turing"),  # its company spans lines 8 and 9
        (11, "Katherine Johnson"),
        (12, "Zoë Brontë-Smith"),
    ]


def test_a_linkedin_connection_has_its_profile_company_role_and_connection_date() -> None:
    ada = parse_contacts_csv(fixture("linkedin_connections.csv")).rows[0].contact

    assert ada == ContactAdded(
        name="Ada Lovelace",
        linkedin_url="https://www.linkedin.com/in/ada-lovelace",
        company="Analytical Engines",
        role="Engineer",
        notes="Connected on LinkedIn on 2024-03-15.",
        source=Source.COLD_OUTREACH,
    )
    assert type(ada) is ContactAdded
    assert ada.email is None  # LinkedIn leaves most emails out: not an error


def test_quoted_cells_keep_their_commas_quotes_and_newlines() -> None:
    rows = parse_contacts_csv(fixture("linkedin_connections.csv")).rows
    by_name = {row.contact.name: row.contact for row in rows}

    assert by_name["Grace Hopper"].company == "US Navy, Reserve"
    assert by_name["Grace Hopper"].email == "grace@example.com"
    assert by_name["Alan Turing"].company == "Bletchley Park\nHut 8"
    assert by_name["Katherine Johnson"].role == 'Mathematician, "Human Computer"'
    assert by_name["Zoë Brontë-Smith"].company is None
    assert by_name["Zoë Brontë-Smith"].notes == "Connected on LinkedIn on 2019-12-01."


def test_the_export_reads_the_same_without_its_byte_order_mark_or_with_crlf() -> None:
    data = fixture("linkedin_connections.csv")
    expected = parse_contacts_csv(data)

    assert parse_contacts_csv(data.removeprefix(b"\xef\xbb\xbf")) == expected
    assert parse_contacts_csv(data.replace(b"\n", b"\r\n")) == expected


def test_a_header_with_a_byte_order_mark_and_no_preamble_is_found() -> None:
    parsed = parse_contacts_csv(b"\xef\xbb\xbfName,Email\nAda,ada@example.com\n")

    assert only_row(parsed).contact.email == "ada@example.com"


# Delimiters and encodings --------------------------------------------------------------------


def test_a_semicolon_separated_file_is_read_by_its_header() -> None:
    parsed = parse_contacts_csv(fixture("semicolons.csv"))

    assert parsed.errors == ()
    assert [(r.line, r.contact.name, r.contact.company) for r in parsed.rows] == [
        (2, "Ada Lovelace", "Analytical Engines, Ltd"),
        (3, "Grace Hopper", "US Navy"),
    ]
    assert parsed.rows[1].contact.role == "Admiral"


def test_a_tab_separated_file_with_other_column_names_is_read() -> None:
    parsed = parse_contacts_csv(fixture("tabs.tsv"))

    assert parsed.errors == ()
    ada, grace = (row.contact for row in parsed.rows)
    assert ada.email == "ada@example.com"
    assert ada.company == "Analytical Engines"
    assert ada.role == "Engineer"
    assert ada.notes == 'Met at the "Difference" meetup, 2024'
    assert grace.email is None
    assert grace.notes is None


def test_a_windows_1252_file_is_decoded() -> None:
    contact = only_row(parse_contacts_csv(fixture("windows_1252.csv"))).contact

    assert contact.name == "Zoë Durand"
    assert contact.company == "Café Crème"
    assert contact.notes == "\u201cSmart quotes\u201d \u2013 and a dash"


def test_a_utf16_file_with_its_mark_is_decoded() -> None:
    data = "Name\tCompany\r\nZoë Durand\tCafé\r\n".encode("utf-16")

    assert only_row(parse_contacts_csv(data)).contact.company == "Café"


def test_a_single_column_file_reads_each_line_as_a_name() -> None:
    parsed = parse("Name\nAda Lovelace\nGrace Hopper\n")

    assert [row.contact.name for row in parsed.rows] == ["Ada Lovelace", "Grace Hopper"]


# Columns -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Full Name", "name"),
        ("NAME", "name"),
        ("e-mail", "email"),
        ("Email_Address", "email"),
        ("Organization", "company"),
        ("organisation", "company"),
        ("Title", "role"),
        ("job_title", "role"),
        ("Position", "role"),
        ("LinkedIn", "linkedin_url"),
        ("LinkedIn URL", "linkedin_url"),
        ("Profile URL", "linkedin_url"),
        ("introduced_by", "introduced_by"),
        ("Notes", "notes"),
    ],
)
def test_column_aliases(header: str, field: str) -> None:
    value = "https://www.linkedin.com/in/ada" if field == "linkedin_url" else "ada@example.com"
    text = f"{header}\n{value}\n" if field == "name" else f"Name,{header}\nAda,{value}\n"

    contact = only_row(parse(text)).contact

    assert getattr(contact, field) == value


def test_first_and_last_names_are_joined_and_either_alone_will_do() -> None:
    parsed = parse("first_name,LAST NAME\nAda,Lovelace\nCher,\n,Banksy\n")

    assert [row.contact.name for row in parsed.rows] == ["Ada Lovelace", "Cher", "Banksy"]


def test_a_name_column_wins_over_first_and_last_when_filled() -> None:
    parsed = parse("Name,First Name,Last Name\nAda King,Ada,Lovelace\n,Grace,Hopper\n")

    assert [row.contact.name for row in parsed.rows] == ["Ada King", "Grace Hopper"]


def test_unknown_columns_and_extra_cells_are_ignored_and_short_rows_are_empty() -> None:
    parsed = parse("Phone,Name,Email\n555,Ada,ada@example.com,surplus,cells\n556,Grace\n")

    assert parsed.errors == ()
    assert [(r.contact.name, r.contact.email) for r in parsed.rows] == [
        ("Ada", "ada@example.com"),
        ("Grace", None),
    ]


def test_a_repeated_column_is_read_from_its_first_cell() -> None:
    assert only_row(parse("Name,Email,Email\nAda,a@example.com,b@example.com\n")).contact.email == (
        "a@example.com"
    )


def test_cells_are_trimmed_and_empty_cells_are_none() -> None:
    contact = only_row(parse("Name,Email,Company\n  Ada  ,  , \t \n")).contact

    assert contact.name == "Ada"
    assert contact.email is None
    assert contact.company is None


def test_a_formula_looking_cell_is_stored_as_text() -> None:
    contact = only_row(parse('Name,Notes\nAda,"=HYPERLINK(""x"")"\n')).contact

    assert contact.notes == '=HYPERLINK("x")'


def test_an_introduction_names_its_source() -> None:
    parsed = parse("Name,Introduced By\nAda,Prof. Lee\nGrace,\n")

    assert [(r.contact.source, r.contact.introduced_by) for r in parsed.rows] == [
        (Source.INTRODUCTION, "Prof. Lee"),
        (Source.COLD_OUTREACH, None),
    ]


@pytest.mark.parametrize(
    ("given_url", "stored"),
    [
        ("https://www.linkedin.com/in/ada/", "https://www.linkedin.com/in/ada/"),
        ("http://www.linkedin.com/in/ada", "https://www.linkedin.com/in/ada"),
        ("HTTP://linkedin.com/in/ada", "https://linkedin.com/in/ada"),
        ("www.linkedin.com/in/ada", "https://www.linkedin.com/in/ada"),
        ("uk.LinkedIn.com/in/ada", "https://uk.LinkedIn.com/in/ada"),
    ],
)
def test_linkedin_urls_are_kept_as_given_but_in_https(given_url: str, stored: str) -> None:
    assert only_row(parse(f"Name,URL\nAda,{given_url}\n")).contact.linkedin_url == stored


@pytest.mark.parametrize(
    "url", ["https://example.com/ada", "ftp://linkedin.com/in/ada", "https://linkedin.com@evil.io"]
)
def test_a_url_off_linkedin_is_a_row_error(url: str) -> None:
    error = only_error(parse(f"Name,LinkedIn URL\nAda,{url}\n"))

    assert error.line == 2
    assert error.message.startswith("LinkedIn URL: must be an https:// address on linkedin.com")


# Connected On --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["15 Mar 2024", "15 March 2024", "15 mar 2024", "15-Mar-2024", "2024-03-15", "03/15/2024"],
)
def test_connected_on_dates_become_a_note(text: str) -> None:
    contact = only_row(parse(f"Name,Connected On\nAda,{text}\n")).contact

    assert contact.notes == "Connected on LinkedIn on 2024-03-15."


def test_a_two_digit_us_year_is_this_century() -> None:
    assert only_row(parse("Name,Connected On\nAda,03/15/24\n")).contact.notes == (
        "Connected on LinkedIn on 2024-03-15."
    )


def test_the_connection_note_follows_the_notes_column() -> None:
    contact = only_row(parse("Name,Notes,Connected On\nAda,Met at PyCon,5 Jan 2020\n")).contact

    assert contact.notes == "Met at PyCon\nConnected on LinkedIn on 2020-01-05."


@pytest.mark.parametrize("text", ["31 Feb 2024", "15 Foo 2024", "yesterday", "2024-13-01"])
def test_an_unreadable_connection_date_is_a_row_error(text: str) -> None:
    error = only_error(parse(f"Name,Connected On\nAda,{text}\n"))

    assert error == RowError(2, "Connected On: not a date like 15 Mar 2024 or 2024-03-15")


# Row errors ----------------------------------------------------------------------------------


def test_a_bad_email_is_an_error_on_its_line_and_the_other_rows_still_parse() -> None:
    parsed = parse_contacts_csv(fixture("bad_row.csv"))

    assert [row.contact.name for row in parsed.rows] == ["Ada Lovelace", "Alan Turing"]
    assert [row.line for row in parsed.rows] == [2, 4]
    assert parsed.errors == (RowError(3, "Email: not a valid email address"),)
    assert parsed.count == 3


def test_a_bad_row_after_a_multiline_cell_has_its_own_line() -> None:
    parsed = parse('Name,Notes,Email\nAda,"one\ntwo\nthree",\n\nGrace,,nope\n')

    assert parsed.rows[0].line == 2
    assert parsed.errors == (RowError(6, "Email: not a valid email address"),)


def test_a_row_without_a_name_says_which_columns_to_fill() -> None:
    assert only_error(parse("First Name,Last Name,Email\n,,ada@example.com\n")) == RowError(
        2, "First Name/Last Name: missing"
    )
    assert only_error(parse("Full Name,Email\n,ada@example.com\n")) == RowError(
        2, "Full Name: missing"
    )


def test_a_name_of_only_invisible_characters_is_an_error() -> None:
    error = only_error(parse("Name,Email\n\u200b\u200b,ada@example.com\n"))

    assert error.message.startswith("Name: must contain a letter")


def test_a_name_longer_than_200_characters_is_an_error() -> None:
    assert only_error(parse(f"Name\n{'a' * 201}\n")) == RowError(
        2, "Name: longer than 200 characters"
    )
    assert only_row(parse(f"Name\n{'a' * 200}\n")).contact.name == "a" * 200


def test_first_and_last_names_too_long_together_name_both_columns() -> None:
    error = only_error(parse(f"First Name,Last Name\n{'a' * 150},{'b' * 60}\n"))

    assert error.message == "First Name/Last Name: longer than 200 characters"


def test_every_problem_of_a_row_is_said_in_one_error_in_the_files_words() -> None:
    error = only_error(parse(f"Name,E-Mail,Organisation,Title\n,x@,{'c' * 201},{'r' * 201}\n"))

    assert error.message == (
        "Name: missing; E-Mail: not a valid email address; "
        "Organisation: longer than 200 characters; Title: longer than 200 characters"
    )


def test_notes_too_long_once_the_connection_date_is_added_are_an_error() -> None:
    error = only_error(parse(f"Name,Notes,Connected On\nAda,{'n' * 9990},15 Mar 2024\n"))

    assert error.message == "Notes: longer than 10000 characters"


def test_blank_rows_are_skipped_and_not_counted() -> None:
    parsed = parse("Name,Email\n\n,\n  ,  \nAda,\n\n")

    assert parsed.count == 1
    assert only_row(parsed).line == 5


# Whole-file errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"Email,Company\nada@example.com,Acme\n",
        b"First Name,Email\nAda,ada@example.com\n",
        b"Ada,ada@example.com\n",
        b'Notes:\n"Name is here but inside a sentence, not a header"\n',
    ],
)
def test_a_file_without_a_header_naming_the_contact_is_refused(data: bytes) -> None:
    with pytest.raises(ImportFileError, match="no header row") as raised:
        parse_contacts_csv(data)

    assert raised.value.field == "body"


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(ImportFileError, match=r"^The file is empty\.$"):
        parse_contacts_csv(data)


def test_a_header_without_rows_is_refused() -> None:
    with pytest.raises(ImportFileError, match="no contacts"):
        parse_contacts_csv(b"Name,Email\n\n,\n")


def test_a_file_over_the_size_limit_is_refused() -> None:
    with pytest.raises(ImportFileError, match="larger than 5 MB"):
        parse_contacts_csv(b"Name\n" + b"a" * MAX_BYTES)


def test_a_file_at_the_size_limit_is_read() -> None:
    data = b"Name\nAda\n"
    data += b" " * (MAX_BYTES - len(data))

    assert parse_contacts_csv(data).count == 1


def test_the_row_limit_counts_data_rows_not_blank_ones() -> None:
    rows = "".join(f"Person {n}\n\n" for n in range(MAX_ROWS))

    assert parse(f"Notes:\n\nName\n{rows}").count == MAX_ROWS
    with pytest.raises(ImportFileError, match=f"more than {MAX_ROWS} contacts"):
        parse(f"Name\n{rows}One more\n")


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"Name\nAda\x81\x8d\n", b"N\x00a\x00m\x00e\x00"],
)
def test_a_file_that_is_not_text_is_refused(data: bytes) -> None:
    with pytest.raises(ImportFileError, match="not a text CSV file"):
        parse_contacts_csv(data)


def test_a_cell_over_the_csv_field_limit_is_a_file_error_naming_its_line() -> None:
    huge = "x" * (csv.field_size_limit() + 1)

    with pytest.raises(ImportFileError, match=r"^Line 3 cannot be read as CSV"):
        parse(f'Name,Notes\nAda,\n"{huge}"\n')


# Properties ----------------------------------------------------------------------------------

_cell_text = st.text(alphabet=st.sampled_from('abcXYZ é,;"\t\n-'), min_size=0, max_size=12).map(
    str.strip
)
_names = _cell_text.filter(lambda text: any(char.isalpha() for char in text))
_rows = st.lists(st.tuples(_names, _cell_text, _cell_text), min_size=1, max_size=15)


@settings(max_examples=150, deadline=None)
@given(
    rows=_rows,
    preamble=st.integers(min_value=0, max_value=3),
    delimiter=st.sampled_from([",", ";", "\t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_rows_written_by_csv_writer_come_back_on_the_lines_they_start_on(
    rows: list[tuple[str, str, str]], preamble: int, delimiter: str, newline: str
) -> None:
    out = io.StringIO(newline="")
    out.write("Notes:" + newline * preamble if preamble else "")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(["Name", "Company", "Notes"])
    starts = []
    for row in rows:
        starts.append(out.getvalue().count("\n") + 1)  # every line break ends in \n
        writer.writerow(row)

    parsed = parse(out.getvalue())

    assert parsed.errors == ()
    assert [r.line for r in parsed.rows] == starts
    assert [
        (r.contact.name, r.contact.company or "", r.contact.notes or "") for r in parsed.rows
    ] == [tuple(row) for row in rows]
