"""`POST /contacts/import` and `cli import-contacts`: many contacts from one CSV file.

A thousand rows in one request, at a few dozen DynamoDB requests in all: one Query of the
caller's views finds the duplicates, one BatchGetItem per 100 rows checks that no new row's
stream exists yet, one BatchWriteItem per 25 rows writes the `contact_added` events (the
projector's stream does the rest, as for a single contact).

Each new contact's id is derived from the row's identity (its LinkedIn URL, else email, else
name and company) under a server key, per user: a second import of the same file finds the
same ids, and a row the read side has not yet projected is still found by `started`. A row
whose contact was erased is refused rather than silently recreated.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from chalicelib.clock import Clock
from chalicelib.contact_import.csv_rows import ImportRow, ParsedFile, parse_contacts_csv
from chalicelib.contact_import.duplicates import Duplicate, Existing, identity_key, split
from chalicelib.domain import events as ev
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.mapper import new_event
from chalicelib.eventstore.port import EventStore, StreamId, StreamStart
from chalicelib.service.commands import Caller
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.telemetry import count
from chalicelib.viewstore.port import ViewStore


@dataclass
class ImportReport:
    """What `dry_run` previews and an import did, row by row (line numbers of the file)."""

    rows: int
    new: list[tuple[ImportRow, str]] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    created: list[str] | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "rows": self.rows,
            "new": [
                {
                    "line": row.line,
                    "contact_id": contact_id,
                    "name": row.contact.name,
                    "email": row.contact.email,
                    "company": row.contact.company,
                    "role": row.contact.role,
                    "linkedin_url": row.contact.linkedin_url,
                }
                for row, contact_id in self.new
            ],
            "duplicates": [
                {"line": d.line, "contact_id": d.contact_id}
                for d in sorted(self.duplicates, key=lambda d: d.line)
            ],
            "errors": [{"line": line, "message": m} for line, m in sorted(self.errors)],
        }
        if self.created is not None:
            body["created"] = self.created
        return body


class ContactImport:
    def __init__(
        self,
        store: EventStore,
        views: ViewStore,
        settings: SettingsRepository,
        clock: Clock,
        id_key: bytes,
    ) -> None:
        self._store = store
        self._views = views
        self._settings = settings
        self._clock = clock
        self._id_key = id_key

    def run(self, caller: Caller, data: bytes, *, dry_run: bool) -> ImportReport:
        """Raises ImportFileError for a file that cannot be read at all (nothing written)."""
        parsed = parse_contacts_csv(data)
        report = self._plan(caller, parsed)
        if dry_run:
            return report
        report.created = self._write(caller, report)
        return report

    def _plan(self, caller: Caller, parsed: ParsedFile) -> ImportReport:
        views = self._views.user_views(caller.tenant_id, caller.user_id)
        erased = {contact_id for contact_id, view in views.items() if view.erased}
        existing = [
            Existing(
                contact_id=view.contact_id,
                name=view.name,
                email=view.public.get("email"),
                company=view.public.get("company"),
                linkedin_url=view.public.get("linkedin_url"),
            )
            for view in views.values()
            if not view.erased and view.status is not None
        ]

        def id_for(contact: ev.ContactAdded) -> str:
            return self.contact_id(caller, contact)

        fresh, duplicates = split(parsed.rows, existing, id_for)
        report = ImportReport(
            rows=parsed.count,
            duplicates=list(duplicates),
            errors=[(error.line, error.message) for error in parsed.errors],
        )
        ids = [StreamId(caller.tenant_id, contact_id) for _, contact_id in fresh]
        started = {stream.contact_id for stream in self._store.started(ids)} if ids else set()
        for row, contact_id in fresh:
            if contact_id in erased:
                report.errors.append(
                    (
                        row.line,
                        "this contact was erased at your request: add it by hand if you"
                        " want it back",
                    )
                )
            elif contact_id in started:
                # Imported moments ago, not yet on the read side: still a duplicate.
                report.duplicates.append(Duplicate(row.line, contact_id))
            else:
                report.new.append((row, contact_id))
        return report

    def contact_id(self, caller: Caller, contact: ev.ContactAdded) -> str:
        """The id a row's contact gets: the same for the same person, per user."""
        message = "\x1f".join((caller.tenant_id, caller.user_id, identity_key(contact)))
        return hmac.new(self._id_key, message.encode(), hashlib.sha256).hexdigest()[:32]

    def _write(self, caller: Caller, report: ImportReport) -> list[str]:
        if not report.new:
            return []
        # As the first contact of a user does: remember the address reminders go to.
        self._settings.get_or_create(
            caller.tenant_id, caller.user_id, UserSettings(email=caller.email or None)
        )
        now = self._clock.now()
        starts = [
            StreamStart(
                StreamId(caller.tenant_id, contact_id),
                new_event(row.contact, now, caller.user_id),
                caller.user_id,
            )
            for row, contact_id in report.new
        ]
        self._store.start_streams(starts, recorded_at=now)
        count("ContactsImported", len(starts))
        return [contact_id for _, contact_id in report.new]
