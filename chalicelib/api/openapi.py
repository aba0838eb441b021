"""`GET /openapi.json`: the OpenAPI 3.1 description, generated from the request and response
models the handlers validate and answer with, so it cannot drift from the code.

Every answer a route can give is declared, errors included, in the shape it has; tests walk
the handlers to check it (tests/contract), and a client generated from this document runs the
whole journey against the app in the test suite.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.api import openapi_tenancy as tenancy
from chalicelib.api import schemas as s
from chalicelib.api.event_schemas import event_list
from chalicelib.api.openapi_parts import Schema
from chalicelib.api.openapi_paths import EXPORT_COMPONENTS, paths

VERSION = "1.0.0"
DESCRIPTION = """Informational interviews as event streams: the v1 contract (API.md).

Every error, whoever makes it, has one shape: `{"error": {"code", "message", "fields"?}}`
(`fields` for validation errors only). Each operation lists every status it can answer.
Beyond them: a method a path does not have is a `405` with an `Allow` header
(`method_not_allowed`), and a path no route has is a `403` (`bad_request`, API Gateway's
"Missing Authentication Token"). Deployed, API Gateway answers a method a path does not have
with that `403` too, and its firewall may refuse any call with a `403` (`forbidden`), in the
same shape.
"""
TAGS = [
    {"name": "contacts", "description": "The professionals you interview, as their events fold"},
    {"name": "steps", "description": "What happened with a contact: record a step, list them"},
    {"name": "dashboards", "description": "Your pipeline, or your tenant's (coaches)"},
    {"name": "settings", "description": "Where and when reminders go"},
    {
        "name": "integrations",
        "description": "Calendly and Cal.com webhooks, the calendar feed (webhooks and the feed"
        " need no token)",
    },
    {"name": "unsubscribe", "description": "The link in every reminder email (no sign-in)"},
    {"name": "snooze", "description": "The snooze link of each reminder (no sign-in)"},
    {
        "name": "email",
        "description": "The undo link in Rapport's answers to replies and Bcc'd emails "
        "(no sign-in)",
    },
    {
        "name": "tenancy",
        "description": "Invitations, joining, members, and each member's sharing with coaches",
    },
    {"name": "web", "description": "The dashboard page and its files"},
    {"name": "meta", "description": "Liveness and this description"},
]
SERVERS = [
    {
        "url": "https://{api_id}.execute-api.{region}.amazonaws.com/api",
        "description": "Deployed (the stack's `ApiUrl` output)",
        "variables": {
            "api_id": {"default": "abcdefghij", "description": "The REST API's id"},
            "region": {"default": "us-east-1", "description": "The stack's region"},
        },
    },
    {"url": "http://127.0.0.1:8000", "description": "`scripts/dev.sh` on this machine"},
]


def _components() -> Schema:
    requests: list[type[BaseModel]] = [
        s.ContactCreate,
        s.SettingsUpdate,
        s.CalendlySecret,
        s.CalcomSecret,
        *s.step_models().values(),
    ]
    answers: list[type[BaseModel]] = [
        s.ContactPublic,
        s.ContactList,
        s.StepRecorded,
        event_list(),
        s.Dashboard,
        s.SettingsPublic,
        s.IntegrationsPublic,
        s.WebhookDelivered,
        s.ImportReport,
        s.ImportResult,
        s.ErrorBody,
        s.Health,
        *tenancy.COMPONENTS,
    ]
    _, defs = models_json_schema(
        [(m, "validation") for m in requests] + [(m, "serialization") for m in answers],
        ref_template="#/components/schemas/{model}",
    )
    schemas = defs.get("$defs", {})
    # The event union, named: the events list and the export both refer to it.
    event_list_items = schemas["EventList"]["properties"]["items"]
    schemas["Event"] = event_list_items["items"]
    event_list_items["items"] = {"$ref": "#/components/schemas/Event"}
    schemas.update(EXPORT_COMPONENTS)
    return {
        "schemas": schemas,
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "Deployed: a Cognito ID token; locally: `cli token` mints one",
            }
        },
    }


@cache
def openapi_document() -> Schema:
    """The whole description, built once per process."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Rapport API", "version": VERSION, "description": DESCRIPTION},
        "servers": SERVERS,
        "tags": TAGS,
        "paths": paths(),
        "components": _components(),
        "security": [{"bearer": []}],
    }
