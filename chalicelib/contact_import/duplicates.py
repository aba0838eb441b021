"""Which imported rows are people the caller already has, so an import never adds them twice.

A duplicate is a row whose LinkedIn URL, else email, else name and company match a contact
of the caller (or an earlier row of the same file). "Else" is meant strictly: the strongest
identifier both sides hold decides. Two rows with different LinkedIn profiles are two people
even if both are "Sam Lee" at "Acme"; a row with an email and a contact without one fall
back to name and company.

`identity_key` names a row by its strongest identifier alone; the service derives contact
ids from it, so the same file imported twice gets the same ids. Changing its normalisation
changes those ids: do so only with a migration in mind.

Pure: no AWS, no web framework.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from chalicelib.contact_import.csv_rows import ImportRow
from chalicelib.domain.events import ContactAdded


@dataclass(frozen=True)
class Existing:
    """A contact the caller already has, as the read side shows it."""

    contact_id: str
    name: str
    email: str | None
    company: str | None
    linkedin_url: str | None


@dataclass(frozen=True)
class Duplicate:
    """The row at `line` is the contact `contact_id`, already known or earlier in the file."""

    line: int
    contact_id: str


def normalise_linkedin_url(url: str) -> str:
    """One spelling per LinkedIn profile: `http://WWW.LinkedIn.com/in/Ada/?trk=x` and
    `https://linkedin.com/in/ada` are the same page.

    The scheme, a `www.` (or any other subdomain of linkedin.com, such as a country's `uk.`,
    which serve the same profiles), the query, the fragment and trailing slashes are dropped;
    host and path are casefolded (LinkedIn's slugs are case-insensitive) and the path's
    percent-escapes decoded, so `zo%C3%AB` is `zoë`.
    """
    text = url.strip()
    parts = urlsplit(text if "//" in text else "//" + text)
    host = (parts.hostname or "").casefold()
    if host.endswith(".linkedin.com"):
        host = "linkedin.com"
    elif host.startswith("www."):
        host = host[4:]
    path = unquote(parts.path).rstrip("/").casefold()
    return host + path


def normalise_email(email: str) -> str:
    return email.strip().lower()


def name_company_key(name: str, company: str | None) -> str:
    """Name and company, casefolded and with runs of space made one; no company is ''."""
    return f"{_words(name)}|{_words(company or '')}"


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def identity_key(contact: ContactAdded) -> str:
    """The contact's strongest identifier: `li:<url>`, else `email:<address>`, else
    `nc:<name>|<company>`, each normalised as the matching is."""
    if contact.linkedin_url:
        return "li:" + normalise_linkedin_url(contact.linkedin_url)
    if contact.email:
        return "email:" + normalise_email(contact.email)
    return "nc:" + name_company_key(contact.name, contact.company)


@dataclass(frozen=True)
class _Known:
    contact_id: str
    linkedin: str | None
    email: str | None


class _Index:
    """The contacts seen so far, by each identifier, to match a row in constant time."""

    def __init__(self) -> None:
        self._by_linkedin: dict[str, _Known] = {}
        self._by_email: dict[str, list[_Known]] = {}
        self._by_name: dict[str, list[_Known]] = {}

    def add(
        self,
        contact_id: str,
        name: str,
        email: str | None,
        company: str | None,
        linkedin_url: str | None,
    ) -> None:
        linkedin = normalise_linkedin_url(linkedin_url) if linkedin_url else None
        address = normalise_email(email) if email else None
        known = _Known(contact_id, linkedin, address)
        if linkedin is not None:
            self._by_linkedin.setdefault(linkedin, known)
        if address is not None:
            self._by_email.setdefault(address, []).append(known)
        self._by_name.setdefault(name_company_key(name, company), []).append(known)

    def match(self, contact: ContactAdded) -> str | None:
        """The id of the contact this one is, deciding on the strongest identifier both
        hold: a contact with another LinkedIn URL is never matched by email or name."""
        linkedin = normalise_linkedin_url(contact.linkedin_url) if contact.linkedin_url else None
        address = normalise_email(contact.email) if contact.email else None
        if linkedin is not None and linkedin in self._by_linkedin:
            return self._by_linkedin[linkedin].contact_id
        if address is not None:
            for known in self._by_email.get(address, ()):
                if linkedin is None or known.linkedin is None:
                    return known.contact_id
        for known in self._by_name.get(name_company_key(contact.name, contact.company), ()):
            if linkedin is not None and known.linkedin is not None:
                continue  # two profiles: two people
            if address is not None and known.email is not None:
                continue  # two addresses (they would have matched above): two people
            return known.contact_id
        return None


def split(
    rows: Sequence[ImportRow],
    existing: Sequence[Existing],
    id_for: Callable[[ContactAdded], str],
) -> tuple[list[tuple[ImportRow, str]], list[Duplicate]]:
    """The new rows, each with the id `id_for` gives its contact, and the duplicates, in the
    rows' order. A row matching an earlier new row of the file is a duplicate of that row's
    contact, so a file listing someone twice adds them once."""
    index = _Index()
    for contact in existing:
        index.add(
            contact.contact_id,
            contact.name,
            contact.email,
            contact.company,
            contact.linkedin_url,
        )
    fresh: list[tuple[ImportRow, str]] = []
    duplicates: list[Duplicate] = []
    for row in rows:
        known = index.match(row.contact)
        if known is not None:
            duplicates.append(Duplicate(row.line, known))
            continue
        contact_id = id_for(row.contact)
        fresh.append((row, contact_id))
        c = row.contact
        index.add(contact_id, c.name, c.email, c.company, c.linkedin_url)
    return fresh, duplicates
