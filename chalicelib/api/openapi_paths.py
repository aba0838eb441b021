"""Every operation of the API: its id, tag, parameters, body, and every answer it can give.
Here the ones that need a token; openapi_public.py has the others."""

from __future__ import annotations

from chalicelib.api import openapi_parts as p
from chalicelib.api import schemas as s
from chalicelib.api.openapi_confirm_email import confirm_email_paths
from chalicelib.api.openapi_integrations import integration_paths
from chalicelib.api.openapi_parts import Schema
from chalicelib.api.openapi_public import public_paths
from chalicelib.api.openapi_tenancy import tenancy_paths
from chalicelib.domain.events import EVENT_TYPES

# The contact's ETag, where it lives, and whether this is a replay: every 201 of a write.
_CREATED_HEADERS = {"ETag": p.ETAG, "Location": p.LOCATION, "Idempotent-Replayed": p.REPLAYED}
_STATUS = {
    "name": "status",
    "in": "query",
    "required": False,
    "description": "Only the contacts in this status",
    "schema": p.ref("Status"),
}
_LIMIT = {
    "name": "limit",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
}
_QUERY = {
    "name": "q",
    "in": "query",
    "required": False,
    "description": (
        "Only the contacts whose name, company or role contains this text,"
        " ignoring case and accents"
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 100},
}
_FORMAT = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "`json` (the default): everything; `csv`: one row per contact",
    "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"},
}
# An exported event is an item of `GET /contacts/{contact_id}/events`: the same component
# (`openapi._components` names it `Event`), so the two can never drift apart.
_EVENT: Schema = p.ref("Event")
_TOMBSTONE_EVENT: Schema = {
    "type": "object",
    "description": "An event of an erased contact: its type and times, its data erased",
    "required": ["version", "type", "occurred_at", "recorded_at"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "integer", "minimum": 1},
        "type": {"type": "string", "enum": sorted(EVENT_TYPES)},
        "occurred_at": {"type": "string", "format": "date-time"},
        "recorded_at": {"type": "string", "format": "date-time"},
    },
}
_TOMBSTONE: Schema = {
    "type": "object",
    "title": "ErasedContact",
    "description": "An erased contact: its id and what is left of its events",
    "required": ["contact_id", "erased", "events"],
    "additionalProperties": False,
    "properties": {
        "contact_id": {"type": "string"},
        "erased": {"const": True},
        "events": {"type": "array", "items": _TOMBSTONE_EVENT},
    },
}
_LIVE_CONTACT: Schema = {
    "title": "ExportedContact",
    "description": "As `GET /contacts/{contact_id}` answers, with its `events`",
    "allOf": [
        p.ref("ContactPublic"),
        {
            "type": "object",
            "required": ["events"],
            "properties": {"events": {"type": "array", "items": _EVENT}},
        },
    ],
}
# Named components: a generated client gets a type for each.
EXPORT_COMPONENTS: Schema = {"ExportedContact": _LIVE_CONTACT, "ErasedContact": _TOMBSTONE}
_EXPORTED_CONTACT: Schema = {"oneOf": [p.ref("ExportedContact"), p.ref("ErasedContact")]}
_EXPORT: Schema = {
    "description": "A download (`Content-Disposition: attachment`), as JSON or as CSV",
    "headers": {
        "Content-Disposition": p.header(
            '`attachment; filename="rapport-export-YYYY-MM-DD.json"` (or `.csv`)'
        )
    },
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["exported_at", "settings", "contacts"],
                "properties": {
                    "exported_at": {"type": "string", "format": "date-time"},
                    "settings": {
                        "type": "object",
                        "description": "As `GET /me/settings` answers, less `pending_email`",
                    },
                    "contacts": {"type": "array", "items": _EXPORTED_CONTACT},
                },
            }
        },
        "text/csv": {
            "schema": {
                "type": "string",
                "description": "A header row, then one row per contact; a cell that would "
                "start with `=`, `+`, `-`, `@`, a tab or a carriage return starts with `'`",
            }
        },
    },
}
_CURSOR = {
    "name": "cursor",
    "in": "query",
    "required": False,
    "description": "The `next_cursor` of the previous page, unchanged",
    "schema": {"type": "string"},
}


def _steps() -> Schema:
    models = s.step_models()
    return {
        "oneOf": [p.ref(m) for m in models.values()],
        "discriminator": {
            "propertyName": "type",
            "mapping": {name: p.ref(m)["$ref"] for name, m in models.items()},
        },
    }


def _contacts() -> Schema:
    return {
        "/contacts": {
            "post": p.operation(
                "createContact",
                "contacts",
                "Add a contact",
                {
                    "201": p.answer("The contact", s.ContactPublic, _CREATED_HEADERS),
                    "400": p.BAD_INPUT,
                    "409": p.error(
                        "`idempotency_key_reused` with another body, or `write_conflict`"
                    ),
                    "413": p.TOO_LARGE,
                },
                body=p.json_body(p.ref(s.ContactCreate)),
                parameters=(p.IDEMPOTENCY_KEY,),
            ),
            "get": p.operation(
                "listContacts",
                "contacts",
                "List contacts, most recently updated first (from the projections)",
                {"200": p.answer("A page of contacts", s.ContactList), "400": p.BAD_INPUT},
                parameters=(_STATUS, _QUERY, _LIMIT, _CURSOR),
            ),
        },
        "/contacts/{contact_id}": {
            "get": p.operation(
                "getContact",
                "contacts",
                "A contact, folded from its events (always current)",
                {
                    "200": p.answer("The contact", s.ContactPublic, {"ETag": p.ETAG}),
                    "404": p.NOT_FOUND,
                },
                parameters=(p.CONTACT_ID,),
            ),
            "delete": p.operation(
                "deleteContact",
                "contacts",
                "Erase the contact's personal data for good (a repeat finishes the erasure)",
                {
                    "204": p.empty("Erased"),
                    "404": p.NOT_FOUND,
                    "409": p.error("`write_conflict`: other changes kept winning; retry"),
                },
                parameters=(p.CONTACT_ID,),
            ),
        },
        "/contacts/{contact_id}/events": {
            "get": p.operation(
                "listEvents",
                "steps",
                "The contact's events, oldest first",
                {"200": p.answer("Events", p.ref("EventList")), "404": p.NOT_FOUND},
                parameters=(p.CONTACT_ID,),
            ),
            "post": p.operation(
                "recordStep",
                "steps",
                "Record a step",
                {
                    "201": p.answer("Recorded", s.StepRecorded, _CREATED_HEADERS),
                    "400": p.BAD_INPUT,
                    "404": p.NOT_FOUND,
                    "409": p.error(
                        "`idempotency_key_reused` with another body, or `write_conflict` (lost "
                        "a race after retries)"
                    ),
                    "412": p.error(
                        "`version_mismatch`: `If-Match` names a stale version",
                        {"ETag": p.CURRENT_ETAG},
                    ),
                    "413": p.TOO_LARGE,
                    "422": p.error("`step_not_allowed`: not now; the message says why"),
                },
                body=p.json_body(_steps()),
                parameters=(p.CONTACT_ID, p.IDEMPOTENCY_KEY, p.IF_MATCH),
            ),
        },
    }


def _reads() -> Schema:
    return {
        "/dashboard": {
            "get": p.operation(
                "getDashboard",
                "dashboards",
                "The caller's pipeline (from the projections)",
                {"200": p.answer("Dashboard", s.Dashboard)},
            )
        },
        "/tenant/dashboard": {
            "get": p.operation(
                "getTenantDashboard",
                "dashboards",
                "The tenant's pipeline (coaches and admins): counts over every member; due "
                "actions and interviews only of members who share",
                {
                    "200": p.answer("Dashboard", s.Dashboard),
                    "403": p.error("`forbidden`: the caller is not a coach or an admin"),
                },
            )
        },
        "/me/settings": {
            "get": p.operation(
                "getSettings",
                "settings",
                "Reminder settings",
                {"200": p.answer("Settings", s.SettingsPublic)},
            ),
            "put": p.operation(
                "updateSettings",
                "settings",
                "Change some settings: the ones sent; the others keep their value, as saved "
                "now (a change made elsewhere meanwhile, e.g. an unsubscribe, is never undone)",
                {
                    "200": p.answer(
                        "Settings, all of them. An `email` other than the token's own waits as "
                        "`pending_email` for the link emailed to it",
                        s.SettingsPublic,
                    ),
                    "400": p.BAD_INPUT,
                    "409": p.error(
                        "`write_conflict`: other changes to the settings kept winning; "
                        "nothing was saved, retry"
                    ),
                    "413": p.TOO_LARGE,
                    "503": p.error(
                        "`mail_unavailable`: the confirmation link for a new `email` could not "
                        "be sent now; nothing was saved, retry after `Retry-After` seconds",
                        {"Retry-After": p.header("Seconds to wait", pattern="^[0-9]+$")},
                    ),
                },
                body=p.json_body(p.ref(s.SettingsUpdate)),
            ),
        },
        "/me/export": {
            "get": p.operation(
                "exportMe",
                "settings",
                "Everything of the caller's: settings, and every contact with every event",
                {"200": _EXPORT, "400": p.BAD_INPUT},
                parameters=(_FORMAT,),
            ),
        },
    }


def paths() -> Schema:
    """Every path of the app and its operations."""
    return {
        **_contacts(),
        **_reads(),
        **integration_paths(),
        **public_paths(),
        **confirm_email_paths(),
        **tenancy_paths(),
    }
