"""`GET /me/export`: everything the caller has, as JSON or as one CSV row per contact.

The caller's contacts are the views of their own partition in the view store (one Query on
the user's key, tombstones included); each contact is then read from its stream in the event
store, always current, and shaped as `GET /contacts/{id}` and its events are. An erased
contact appears as its tombstone: its id, `"erased": true` and the events left of it, each
its type and times without data.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from chalicelib.clock import Clock
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.port import EventStore, StreamId
from chalicelib.service.commands import Caller
from chalicelib.service.history import state_of
from chalicelib.service.presenter import contact_public
from chalicelib.service.queries import event_items
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.timefmt import iso
from chalicelib.viewstore.port import ViewStore

CSV_COLUMNS = (
    "contact_id",
    "name",
    "email",
    "company",
    "role",
    "linkedin_url",
    "source",
    "introduced_by",
    "status",
    "next_action",
    "next_action_due_at",
    "interview_starts_at",
    "follow_ups_sent",
    "created_at",
    "updated_at",
    "notes",
)
TOMBSTONE_EVENT_FIELDS = ("version", "type", "occurred_at", "recorded_at")
# A spreadsheet runs a cell that starts so as a formula: such cells get a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportService:
    """The caller's settings and contacts with their events, for the caller only."""

    def __init__(
        self, views: ViewStore, store: EventStore, settings: SettingsRepository, clock: Clock
    ) -> None:
        self._views = views
        self._store = store
        self._settings = settings
        self._clock = clock

    def export(self, caller: Caller) -> dict[str, Any]:
        now = self._clock.now()
        saved = self._settings.get(caller.tenant_id, caller.user_id)
        settings = saved or UserSettings(email=caller.email or None)
        public_settings = settings.model_dump(mode="json")
        public_settings["email"] = settings.email or caller.email
        views = self._views.user_views(caller.tenant_id, caller.user_id)
        contacts = [
            self._contact(caller, contact_id, settings, now) for contact_id in sorted(views)
        ]
        return {"exported_at": iso(now), "settings": public_settings, "contacts": contacts}

    def _contact(
        self, caller: Caller, contact_id: str, settings: UserSettings, now: datetime
    ) -> dict[str, Any]:
        events = self._store.read(StreamId(caller.tenant_id, contact_id))
        state = state_of(contact_id, events)
        if not state.exists:
            # What erasure left of the steps is when they happened and what they were; their
            # data went with the person, so no event of a tombstone carries any.
            left = [
                {key: item[key] for key in TOMBSTONE_EVENT_FIELDS}
                for item in event_items(state, events)
            ]
            return {"contact_id": contact_id, "erased": True, "events": left}
        return {**contact_public(state, settings, now), "events": event_items(state, events)}


def as_csv(export: dict[str, Any]) -> str:
    """One row per contact, under a header row of CSV_COLUMNS."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for contact in export["contacts"]:
        writer.writerow([_cell(value) for value in _row(contact)])
    return out.getvalue()


def _row(contact: dict[str, Any]) -> list[Any]:
    action = contact.get("next_action") or {}
    interview = contact.get("interview") or {}
    fields = dict(contact)
    fields["next_action"] = action.get("action")
    fields["next_action_due_at"] = action.get("due_at")
    fields["interview_starts_at"] = interview.get("starts_at")
    if contact.get("erased"):
        fields["status"] = "erased"
    return [fields.get(column) for column in CSV_COLUMNS]


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
