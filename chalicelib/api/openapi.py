"""`GET /openapi.json`: the OpenAPI 3.1 description, generated from the request and response
models the handlers validate and answer with, so it cannot drift from the code."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.api import schemas as s

Schema = dict[str, Any]
_SECURED_ERRORS = {
    "400": "Bad input; `fields` names each bad field",
    "401": "No token, or an expired, forged or foreign one",
    "404": "No such contact in the caller's tenant",
    "413": "Body over 64 KiB",
}
_IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 100},
}
_CONTACT_ID = {"name": "contact_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _ref(model: type[BaseModel]) -> Schema:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _op(
    summary: str,
    responses: dict[str, tuple[str, Schema | None]],
    *,
    body: Schema | None = None,
    secured: bool = True,
    parameters: tuple[Schema, ...] = (),
) -> Schema:
    answers: Schema = {
        status: _json(schema, text) if schema else {"description": text}
        for status, (text, schema) in responses.items()
    }
    if secured:
        for status, text in _SECURED_ERRORS.items():
            answers.setdefault(status, _json(_ref(s.ErrorBody), text))
    operation: Schema = {"summary": summary, "responses": answers}
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    if not secured:
        operation["security"] = []
    if parameters:
        operation["parameters"] = list(parameters)
    return operation


def _error(text: str) -> tuple[str, Schema]:
    return text, _ref(s.ErrorBody)


def _paths() -> Schema:
    steps = {
        "oneOf": [_ref(m) for m in s.step_models().values()],
        "discriminator": {
            "propertyName": "type",
            "mapping": {name: _ref(m)["$ref"] for name, m in s.step_models().items()},
        },
    }
    query = (
        {"name": "status", "in": "query", "required": False, "schema": {"type": "string"}},
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
        },
        {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
    )
    token = ({"name": "token", "in": "query", "required": True, "schema": {"type": "string"}},)
    if_match = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}}
    return {
        "/": {"get": _op("The dashboard page", {"200": ("HTML page", None)}, secured=False)},
        "/assets/{name}": {
            "get": _op(
                "A file of the dashboard (config.json: its sign-in settings)",
                {"200": ("The file", None), "404": _error("No such file")},
                secured=False,
                parameters=(
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
                ),
            )
        },
        "/health": {"get": _op("Liveness", {"200": ("OK", _ref(s.Health))}, secured=False)},
        "/openapi.json": {
            "get": _op("This description", {"200": ("OpenAPI 3.1", None)}, secured=False)
        },
        "/contacts": {
            "post": _op(
                "Add a contact",
                {
                    "201": ("The contact", _ref(s.ContactPublic)),
                    "409": _error("Idempotency-Key reused with another body"),
                },
                body=_ref(s.ContactCreate),
                parameters=(_IDEMPOTENCY,),
            ),
            "get": _op(
                "List contacts, most recently updated first",
                {"200": ("A page of contacts", _ref(s.ContactList))},
                parameters=query,
            ),
        },
        "/contacts/{contact_id}": {
            "get": _op(
                "A contact, folded from its events",
                {"200": ("The contact", _ref(s.ContactPublic))},
                parameters=(_CONTACT_ID,),
            ),
            "delete": _op(
                "Erase the contact's personal data for good",
                {"204": ("Erased", None)},
                parameters=(_CONTACT_ID,),
            ),
        },
        "/contacts/{contact_id}/events": {
            "get": _op(
                "The contact's steps, oldest first",
                {"200": ("Events", _ref(s.EventList))},
                parameters=(_CONTACT_ID,),
            ),
            "post": _op(
                "Record a step",
                {
                    "201": ("Recorded", _ref(s.StepRecorded)),
                    "409": _error("Idempotency-Key reused, or lost a race after retries"),
                    "412": _error("If-Match names a stale version"),
                    "422": _error("The step is not allowed now; the message says why"),
                },
                body=steps,
                parameters=(_CONTACT_ID, _IDEMPOTENCY, if_match),
            ),
        },
        "/dashboard": {
            "get": _op("The caller's pipeline", {"200": ("Dashboard", _ref(s.Dashboard))})
        },
        "/tenant/dashboard": {
            "get": _op(
                "The tenant's pipeline (role coach)",
                {"200": ("Dashboard", _ref(s.Dashboard)), "403": _error("Not a coach")},
            )
        },
        "/me/settings": {
            "get": _op("Reminder settings", {"200": ("Settings", _ref(s.UserSettings))}),
            "put": _op(
                "Change reminder settings (any subset)",
                {"200": ("Settings", _ref(s.UserSettings))},
                body=_ref(s.SettingsUpdate),
            ),
        },
        "/unsubscribe": {
            "get": _op(
                "Confirmation page", {"200": ("HTML page", None)}, secured=False, parameters=token
            ),
            "post": _op(
                "One-click unsubscribe (RFC 8058)",
                {"200": ("Reminders off", None), "400": _error("Bad or forged token")},
                secured=False,
                parameters=token,
            ),
        },
    }


@cache
def openapi_document() -> Schema:
    """The whole description, built once per process."""
    requests: list[type[BaseModel]] = [s.ContactCreate, s.SettingsUpdate, *s.step_models().values()]
    answers: list[type[BaseModel]] = [
        s.ContactPublic,
        s.ContactList,
        s.StepRecorded,
        s.EventList,
        s.Dashboard,
        s.UserSettings,
        s.ErrorBody,
        s.Health,
    ]
    _, defs = models_json_schema(
        [(m, "validation") for m in requests] + [(m, "serialization") for m in answers],
        ref_template="#/components/schemas/{model}",
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Rapport API",
            "version": "1.0.0",
            "description": "Informational interviews as event streams; see API.md.",
        },
        "paths": _paths(),
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
        "security": [{"bearer": []}],
    }
