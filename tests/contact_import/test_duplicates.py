"""Which imported rows are people the caller already has, or that the file lists twice."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.contact_import.csv_rows import ImportRow, parse_contacts_csv
from chalicelib.contact_import.duplicates import (
    Duplicate,
    Existing,
    identity_key,
    normalise_linkedin_url,
    split,
)
from chalicelib.domain.events import ContactAdded


def contact(name: str = "Ada Lovelace", **fields: Any) -> ContactAdded:
    return ContactAdded(name=name, **fields)


def rows(*contacts: ContactAdded) -> list[ImportRow]:
    return [ImportRow(line, c) for line, c in enumerate(contacts, start=2)]


def existing(
    contact_id: str = "known",
    name: str = "Ada Lovelace",
    email: str | None = None,
    company: str | None = None,
    linkedin_url: str | None = None,
) -> Existing:
    return Existing(contact_id, name, email, company, linkedin_url)


def new_id(c: ContactAdded) -> str:
    return f"id-{c.name}"


def duplicates_of(imported: list[ImportRow], known: list[Existing]) -> list[Duplicate]:
    return split(imported, known, new_id)[1]


# identity_key --------------------------------------------------------------------------------


def test_the_key_is_the_linkedin_url_first() -> None:
    c = contact(linkedin_url="https://www.linkedin.com/in/ada", email="ada@example.com")

    assert identity_key(c) == "li:linkedin.com/in/ada"


def test_the_key_is_the_email_without_a_linkedin_url() -> None:
    assert identity_key(contact(email="Ada@Example.COM", company="X")) == "email:ada@example.com"


def test_the_key_is_name_and_company_without_either() -> None:
    assert identity_key(contact("  Ada   LOVELACE ", company="Analytical  Engines")) == (
        "nc:ada lovelace|analytical engines"
    )
    assert identity_key(contact("Straße")) == "nc:strasse|"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/ada",
        "https://linkedin.com/in/ada",
        "https://WWW.LinkedIn.COM/in/ADA/",
        "https://www.linkedin.com/in/ada///",
        "https://www.linkedin.com/in/ada?trk=people-guest&originalSubdomain=uk",
        "https://www.linkedin.com/in/ada#experience",
        "https://uk.linkedin.com/in/ada",
        "http://www.linkedin.com/in/ada/",
        "www.linkedin.com/in/ada",
    ],
)
def test_linkedin_urls_of_one_profile_normalise_alike(url: str) -> None:
    assert normalise_linkedin_url(url) == "linkedin.com/in/ada"


def test_percent_escapes_in_a_linkedin_path_are_decoded() -> None:
    assert normalise_linkedin_url("https://www.linkedin.com/in/zo%C3%AB") == (
        normalise_linkedin_url("https://www.linkedin.com/in/Zoë")
    )


def test_different_profiles_keep_different_keys() -> None:
    assert normalise_linkedin_url("https://www.linkedin.com/in/ada") != normalise_linkedin_url(
        "https://www.linkedin.com/in/ada-1"
    )


@given(name=st.text(min_size=1, max_size=30).filter(str.strip), company=st.text(max_size=30))
def test_the_key_does_not_depend_on_how_name_and_company_are_spaced_or_cased(
    name: str, company: str
) -> None:
    def respaced(text: str) -> str:
        return "  " + "   ".join(text.split()) + " "

    key = identity_key(contact(name, company=company or None))

    assert identity_key(contact(respaced(name), company=respaced(company) or None)) == key
    assert identity_key(contact(name.casefold(), company=company.casefold() or None)) == key


# split against the caller's contacts ----------------------------------------------------------


def test_rows_that_match_nobody_are_new_with_the_ids_given() -> None:
    imported = rows(contact("Ada"), contact("Grace"))

    fresh, duplicates = split(imported, [existing(name="Alan")], new_id)

    assert fresh == [(imported[0], "id-Ada"), (imported[1], "id-Grace")]
    assert duplicates == []


def test_a_row_with_the_same_linkedin_url_is_a_duplicate() -> None:
    imported = rows(contact("A. Lovelace", linkedin_url="https://linkedin.com/in/Ada/"))
    known = [existing(name="Ada", linkedin_url="https://www.linkedin.com/in/ada")]

    assert duplicates_of(imported, known) == [Duplicate(2, "known")]


def test_a_row_with_the_same_email_is_a_duplicate() -> None:
    imported = rows(contact("A. Lovelace", email="ADA@example.com"))
    known = [existing(name="Ada", email="ada@example.com", company="Elsewhere")]

    assert duplicates_of(imported, known) == [Duplicate(2, "known")]


def test_a_row_with_the_same_name_and_company_is_a_duplicate() -> None:
    imported = rows(contact(" ada  lovelace", company="ANALYTICAL ENGINES"))
    known = [existing(name="Ada Lovelace", company="Analytical Engines")]

    assert duplicates_of(imported, known) == [Duplicate(2, "known")]


def test_no_company_on_either_side_is_the_same_company() -> None:
    assert duplicates_of(rows(contact()), [existing()]) == [Duplicate(2, "known")]


def test_the_same_name_at_another_company_or_none_is_someone_else() -> None:
    imported = rows(contact(company="Acme"), contact("Grace", company=None))
    known = [existing(company="Globex"), existing("g", name="Grace", company="Navy")]

    assert duplicates_of(imported, known) == []


def test_an_email_matches_a_contact_without_a_linkedin_url() -> None:
    imported = rows(contact(email="ada@example.com", linkedin_url="https://linkedin.com/in/a"))

    assert duplicates_of(imported, [existing(email="ada@example.com")]) == [Duplicate(2, "known")]


def test_name_and_company_match_when_only_one_side_has_an_email_or_url() -> None:
    imported = rows(
        contact(email="ada@example.com"),
        contact("Grace", linkedin_url="https://linkedin.com/in/grace"),
    )
    known = [existing("a", email=None), existing("g", name="Grace")]

    assert duplicates_of(imported, known) == [Duplicate(2, "a"), Duplicate(3, "g")]


def test_two_linkedin_profiles_are_two_people_whatever_else_matches() -> None:
    imported = rows(
        contact(
            email="ada@example.com", company="Acme", linkedin_url="https://linkedin.com/in/ada-2"
        )
    )
    known = [
        existing(
            email="ada@example.com", company="Acme", linkedin_url="https://linkedin.com/in/ada"
        )
    ]

    assert duplicates_of(imported, known) == []


def test_two_emails_without_profiles_are_two_people_of_the_same_name() -> None:
    imported = rows(contact(email="ada@one.example", company="Acme"))
    known = [existing(email="ada@two.example", company="Acme")]

    assert duplicates_of(imported, known) == []


def test_the_strongest_match_wins_when_several_contacts_match() -> None:
    imported = rows(
        contact(email="ada@example.com", linkedin_url="https://linkedin.com/in/ada", company="X")
    )
    known = [
        existing("by-name", company="X"),
        existing("by-email", name="Other", email="ada@example.com"),
        existing("by-url", name="Other", linkedin_url="https://www.linkedin.com/in/ada/"),
    ]

    assert duplicates_of(imported, known) == [Duplicate(2, "by-url")]


# Duplicates within the file -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            contact("Ada", linkedin_url="https://linkedin.com/in/ada"),
            contact("Ada L.", linkedin_url="https://www.linkedin.com/in/ADA/"),
        ),
        (contact("Ada", email="ada@example.com"), contact("Ada L.", email="Ada@Example.com")),
        (contact("Ada", company="Acme"), contact("ADA", company=" acme ")),
        (contact("Ada"), contact("Ada", email="ada@example.com")),
    ],
)
def test_a_person_listed_twice_in_the_file_is_new_once(
    first: ContactAdded, second: ContactAdded
) -> None:
    imported = rows(first, contact("Grace"), second)

    fresh, duplicates = split(imported, [], new_id)

    assert fresh == [(imported[0], "id-Ada"), (imported[1], "id-Grace")]
    assert duplicates == [Duplicate(4, "id-Ada")]


def test_ids_are_asked_for_only_for_new_rows() -> None:
    asked: list[str] = []

    def id_for(c: ContactAdded) -> str:
        asked.append(c.name)
        return f"#{len(asked)}"

    imported = rows(contact("Ada"), contact("Ada"), contact("Grace"), contact("Known"))
    fresh, duplicates = split(imported, [existing(name="Known")], id_for)

    assert asked == ["Ada", "Grace"]
    assert [contact_id for _, contact_id in fresh] == ["#1", "#2"]
    assert duplicates == [Duplicate(3, "#1"), Duplicate(5, "known")]


def test_the_linkedin_export_imported_twice_is_all_duplicates() -> None:
    data = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace,,Engines,Engineer,15 Mar 2024\n"
        b"Grace,Hopper,,grace@example.com,Navy,Admiral,02 Jan 2023\n"
        b"Alan,Turing,,,Bletchley,Cryptanalyst,07 Jun 2021\n"
    )
    parsed = parse_contacts_csv(data)
    fresh, _ = split(parsed.rows, [], identity_key)
    known = [
        Existing(cid, r.contact.name, r.contact.email, r.contact.company, r.contact.linkedin_url)
        for r, cid in fresh
    ]

    again, duplicates = split(parse_contacts_csv(data).rows, known, identity_key)

    assert again == []
    assert duplicates == [
        Duplicate(2, "li:linkedin.com/in/ada-lovelace"),
        Duplicate(3, "email:grace@example.com"),
        Duplicate(4, "nc:alan turing|bletchley"),
    ]
