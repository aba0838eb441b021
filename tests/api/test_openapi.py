"""`GET /openapi.json`: a valid OpenAPI 3.1 document that describes every route the app serves,
built from the same models that validate requests, and whose schemas the real answers fit."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from chalice.test import Client
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from pydantic import BaseModel

from app import app
from chalicelib.api.schemas import ContactCreate, SettingsUpdate, step_models
from chalicelib.domain.events import CLIENT_EVENT_TYPES
from tests.api.conftest import Api, body_of

REF = "#/components/schemas/{model}"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The document as a client without a token fetches it."""
    with Client(app) as client:
        response = client.http.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return dict(json.loads(response.body))


def _operations() -> list[tuple[str, str, bool]]:
    """(path, method, needs a token) for every route of the app."""
    return [
        (path, method.lower(), entry.authorizer is not None)
        for path, methods in app.routes.items()
        for method, entry in methods.items()
    ]


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)


@pytest.mark.parametrize(("path", "method", "secured"), _operations())
def test_every_route_of_the_app_is_described_with_its_security(
    document: dict[str, Any], path: str, method: str, secured: bool
) -> None:
    operation = document["paths"][path][method]
    assert operation["responses"]
    assert ("security" not in operation) == secured, "security must match the route's authorizer"
    declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
    assert declared == set(re.findall(r"{(\w+)}", path))


def test_the_document_describes_no_route_the_app_lacks(document: dict[str, Any]) -> None:
    served = {(path, method) for path, method, _ in _operations()}
    described = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "patch"}
    }
    assert described == served


def _same_fields(document: dict[str, Any], model: type[BaseModel]) -> None:
    generated = model.model_json_schema(ref_template=REF)
    component = document["components"]["schemas"][model.__name__]
    assert component["properties"] == generated["properties"], model.__name__
    assert component.get("required", []) == generated.get("required", []), model.__name__
    assert component.get("additionalProperties") is False, "unknown fields are refused"


@pytest.mark.parametrize("name", sorted(CLIENT_EVENT_TYPES))
def test_each_step_schema_is_the_model_that_validates_it(
    document: dict[str, Any], name: str
) -> None:
    model = step_models()[name]
    _same_fields(document, model)
    body = document["paths"]["/contacts/{contact_id}/events"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert {"$ref": REF.format(model=model.__name__)} in schema["oneOf"]
    assert schema["discriminator"]["mapping"][name] == REF.format(model=model.__name__)


@pytest.mark.parametrize("model", [ContactCreate, SettingsUpdate])
def test_the_other_request_schemas_are_the_models_that_validate_them(
    document: dict[str, Any], model: type[BaseModel]
) -> None:
    _same_fields(document, model)


def _fits(document: dict[str, Any], route: str, method: str, response: Any) -> None:
    """The answer's body fits the schema the document declares for its status."""
    declared = document["paths"][route][method]["responses"][str(response.status_code)]
    schema = declared["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": document["components"]})
    errors = [error.message for error in validator.iter_errors(body_of(response))]
    assert not errors, (method, route, response.status_code, errors)


def test_the_real_answers_fit_the_documented_schemas(api: Api, document: dict[str, Any]) -> None:
    token = api.token()
    created = api.call("POST", "/contacts", {"name": "Ada Park"}, token=token)
    _fits(document, "/contacts", "post", created)
    contact_id = body_of(created)["contact_id"]
    events = f"/contacts/{contact_id}/events"
    step = {"type": "interview_scheduled", "starts_at": "2026-12-15T15:00:00Z", "location": "Zoom"}
    answers = [
        ("/contacts/{contact_id}/events", "post", api.call("POST", events, step, token=token)),
        ("/contacts/{contact_id}", "get", api.call("GET", f"/contacts/{contact_id}", token=token)),
        ("/contacts/{contact_id}/events", "get", api.call("GET", events, token=token)),
        ("/contacts/{contact_id}/events", "post", api.call("POST", events, {}, token=token)),
        ("/contacts/{contact_id}/events", "post", api.call("POST", events, step, token=token)),
        ("/contacts", "post", api.call("POST", "/contacts", {"name": 1}, token=token)),
        ("/me/settings", "get", api.call("GET", "/me/settings", token=token)),
        ("/me/settings", "put", api.call("PUT", "/me/settings", {"timezone": "UTC"}, token=token)),
        ("/contacts/{contact_id}", "get", api.call("GET", "/contacts/nope", token=token)),
        ("/health", "get", api.call("GET", "/health")),
    ]
    assert {response.status_code for _, _, response in answers} == {200, 201, 400, 404, 422}
    for route, method, response in answers:
        _fits(document, route, method, response)
