"""The integrations' operations: `/me/integrations`, the calendar feed, the Calendly and
Cal.com webhooks, and the CSV import."""

from __future__ import annotations

from chalicelib.api import openapi_parts as p
from chalicelib.api import schemas as s
from chalicelib.api.openapi_parts import Schema

# The import's body: a CSV file whose header names `name` (or `first name` and `last name`).
CONTACTS_CSV_FORMAT = "contacts-csv"
_CSV_FILE = {
    "type": "string",
    "format": CONTACTS_CSV_FORMAT,
    "description": "A CSV file: a header row naming `name` (or `first name` and `last name`; "
    "also read: `email`, `company`, `role`/`position`, `linkedin url`/`url`, `notes`, "
    "`introduced by`, `connected on`), then one row per contact; LinkedIn's preamble above "
    "the header is skipped. `,`, `;` or tab separated; UTF-8, UTF-16 with a BOM, or "
    "Windows-1252; at most 5,000 rows and 5 MB",
}
_INTEGRATIONS = "Webhook URLs, whether their secrets are set, and the calendar feed's URL"
_HOOK_ID = p.parameter("hook_id", "path", "The user's webhook id, from `GET /me/integrations`")
_CALENDAR_FILE = p.parameter("file", "path", "`<secret>.ics`, as `calendar_feed_url` ends")
_DRY_RUN = p.parameter(
    "dry_run",
    "query",
    "`true`: report what the import would do and write nothing",
    required=False,
    schema={"type": "string", "enum": ["true", "false"]},
)


def _webhook(operation_id: str, provider: str, header: str, signs: str) -> Schema:
    return {
        "post": p.operation(
            operation_id,
            "integrations",
            f"A {provider} webhook delivery (no token: `{header}` {signs})",
            {
                "200": p.answer(
                    "Accepted: recorded, or deliberately ignored (never a 410)",
                    s.WebhookDelivered,
                ),
                "400": p.error("`validation_error`: a signed body that is not the provider's"),
                "401": p.error(
                    "`bad_signature`: no secret set, or the signature is missing, wrong or "
                    "stale; nothing written"
                ),
                "404": p.error("`not_found`: no such webhook"),
                "409": p.error("`write_conflict`: the contact kept changing; retried later"),
            },
            secured=False,
            body={
                "required": True,
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            parameters=(
                _HOOK_ID,
                {
                    "name": header,
                    "in": "header",
                    "required": False,
                    "description": signs,
                    "schema": {"type": "string"},
                },
            ),
        )
    }


def integration_paths() -> Schema:
    overview = p.answer(_INTEGRATIONS, s.IntegrationsPublic)
    secret_answers = {"200": overview, "400": p.BAD_INPUT, "413": p.TOO_LARGE}
    return {
        "/me/integrations": {
            "get": p.operation("getIntegrations", "integrations", _INTEGRATIONS, {"200": overview})
        },
        "/me/integrations/calendly": {
            "put": p.operation(
                "setCalendlySecret",
                "integrations",
                "Set the Calendly webhook subscription's signing key (write-only)",
                secret_answers,
                body=p.json_body(p.ref(s.CalendlySecret)),
            )
        },
        "/me/integrations/calcom": {
            "put": p.operation(
                "setCalcomSecret",
                "integrations",
                "Set the Cal.com webhook's secret (write-only)",
                secret_answers,
                body=p.json_body(p.ref(s.CalcomSecret)),
            )
        },
        "/me/integrations/calendar/rotate": {
            "post": p.operation(
                "rotateCalendarFeed",
                "integrations",
                "A new calendar feed URL; the old one is a 404 from now on",
                {"200": overview},
            )
        },
        "/calendar/{file}": {
            "get": p.operation(
                "getCalendarFeed",
                "integrations",
                "The calendar feed (RFC 5545): interviews of the last 30 days and the future, "
                "and each open next action as an all-day event (no token: the URL is the secret)",
                {
                    "200": {
                        "description": "The calendar",
                        "content": {"text/calendar": {"schema": {"type": "string"}}},
                    },
                    "404": p.error("`not_found`: no such feed (a wrong or rotated secret)"),
                },
                secured=False,
                parameters=(_CALENDAR_FILE,),
            )
        },
        "/webhooks/calendly/{hook_id}": _webhook(
            "calendlyWebhook",
            "Calendly",
            "Calendly-Webhook-Signature",
            '`t=<unix seconds>,v1=<hex HMAC-SHA256(signing_key, "<t>.<raw body>")>`, '
            "within 180 s of now",
        ),
        "/webhooks/calcom/{hook_id}": _webhook(
            "calcomWebhook",
            "Cal.com",
            "X-Cal-Signature-256",
            "`<hex HMAC-SHA256(secret, raw body)>`",
        ),
        "/contacts/import": {
            "post": p.operation(
                "importContacts",
                "contacts",
                "Import contacts from a CSV (LinkedIn's Connections.csv, or any with a `name` or "
                "`first name`/`last name` header); duplicates of your contacts are skipped",
                {
                    "200": p.answer("`dry_run=true`: what the import would do", s.ImportReport),
                    "201": p.answer("Imported", s.ImportResult),
                    "400": p.error(
                        "`validation_error`: `dry_run` is not true or false, or the file cannot "
                        "be read (`body`: not CSV, no header, over 5,000 rows)"
                    ),
                    "413": p.error("`payload_too_large`: the file is over 5 MB"),
                },
                body={
                    "required": True,
                    "description": "The file. Deployed, send a file that is not UTF-8 as "
                    "`application/octet-stream`: API Gateway passes `text/csv` on as UTF-8 text",
                    "content": {
                        "text/csv": {"schema": _CSV_FILE},
                        "application/octet-stream": {"schema": _CSV_FILE},
                    },
                },
                parameters=(_DRY_RUN,),
            )
        },
    }
