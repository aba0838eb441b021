"""The answers no handler gives are in the API's error shape too: Chalice's own 405 and 415, and
its local gateway's 401 (no `Authorization` header) and 403 (no such route)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

pytestmark = pytest.mark.integration  # moto and a local server

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}


def _error(document: dict[str, Any], response: httpx.Response, status: int, code: str) -> str:
    """The message of an answer in the error shape with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = json.loads(response.content)
    validator = Draft202012Validator({**ERROR_BODY, "components": document["components"]})
    assert not [e.message for e in validator.iter_errors(body)], body
    assert body["error"]["code"] == code
    message: str = body["error"]["message"]
    return message


def test_a_method_the_path_lacks_is_a_405_naming_the_ones_it_has(
    served_document: dict[str, Any], base_url: str
) -> None:
    response = httpx.patch(f"{base_url}/contacts", json={"name": "Ada"})

    message = _error(served_document, response, 405, "method_not_allowed")
    assert response.headers["Allow"] == "POST, GET"
    assert "PATCH" in message
    assert "POST, GET" in message


def test_a_body_that_is_not_json_is_a_415(
    served_document: dict[str, Any], base_url: str, token_for: Any
) -> None:
    headers = {"Authorization": f"Bearer {token_for()}", "Content-Type": "text/plain"}
    response = httpx.post(f"{base_url}/contacts", content=b"Ada Park", headers=headers)

    assert "text/plain" in _error(served_document, response, 415, "unsupported_media_type")


def test_a_secured_call_without_a_token_is_a_401_from_the_local_gateway(
    served_document: dict[str, Any], base_url: str
) -> None:
    response = httpx.post(f"{base_url}/contacts", json={"name": "Ada"})

    assert "sign in" in _error(served_document, response, 401, "unauthorized")


def test_a_path_no_route_has_is_the_gateways_403_without_echoing_the_token(
    served_document: dict[str, Any], base_url: str, token_for: Any
) -> None:
    token = token_for()
    anonymous = httpx.get(f"{base_url}/no/such/route")
    signed_in = httpx.get(f"{base_url}/no/such/route", headers={"Authorization": f"Bearer {token}"})

    assert _error(served_document, anonymous, 403, "bad_request") == "Missing Authentication Token"
    assert token not in _error(served_document, signed_in, 403, "bad_request")


@pytest.mark.parametrize("method", ["TRACE", "QUERY"])
def test_a_method_no_route_has_at_all_is_a_405_too_not_the_servers_html_501(
    served_document: dict[str, Any], base_url: str, method: str
) -> None:
    response = httpx.request(method, f"{base_url}/health")

    assert method in _error(served_document, response, 405, "method_not_allowed")
