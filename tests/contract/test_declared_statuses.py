"""Each operation of the document declares exactly the statuses its route can answer, and every
error in the API's error shape (or as a page, where the route answers with pages).

What a route can answer is read from the code (tests/contract/reachable.py): its handler's
own statuses and the exceptions that escape it, through `as_api_error`; `respond`'s (the
tenant throttle, a bug); and what the edge adds to every route: a 401 before a secured
handler runs (no `Authorization` header), a 415 (Chalice checks every `Content-Type`), a 500
(Chalice's own), and a 429 (deployed, API Gateway throttles every route).
"""

from __future__ import annotations

from typing import Any

import pytest

from app import app
from tests.contract.reachable import route_handler, statuses_of

GLUE = "chalicelib.api.chalice_glue.respond"
EDGE = {415, 429, 500}
# Read from stored events only, and the store holds only types this code wrote: a client's
# unknown type is refused before (`parse_step`, its own 400). Counting it would declare a 400
# on every read of a contact.
NEVER_REACHES_A_CLIENT = frozenset({"chalicelib.domain.errors.UnknownEventTypeError"})
ROUTES = [
    (path, method, entry)
    for path, methods in sorted(app.routes.items())
    for method, entry in sorted(methods.items())
]


def _can_answer(entry: Any) -> set[int]:
    handler = route_handler(entry.view_name)
    if handler is None:  # /health and /openapi.json answer in app.py itself
        statuses = {200}
    else:
        statuses = statuses_of(handler, NEVER_REACHES_A_CLIENT) | statuses_of(GLUE)
    if entry.authorizer is not None:
        statuses.add(401)
    return statuses | EDGE


def _operation(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"][path][method.lower()]
    return operation


def test_the_walk_follows_handlers_into_the_services_and_the_domain() -> None:
    record_step = statuses_of("chalicelib.api.contact_routes.record_step", NEVER_REACHES_A_CLIENT)

    # 404 and 412 come from the command service, 422 from the domain's rules, 409 from both
    assert {201, 400, 401, 404, 409, 412, 413, 422} <= record_step


@pytest.mark.parametrize(
    ("path", "method", "entry"), ROUTES, ids=[f"{m} {p}" for p, m, _ in ROUTES]
)
def test_an_operation_declares_every_status_its_route_can_answer_and_no_other(
    served_document: dict[str, Any], path: str, method: str, entry: Any
) -> None:
    declared = {int(status) for status in _operation(served_document, path, method)["responses"]}

    assert declared == _can_answer(entry), f"{method} {path}"


@pytest.mark.parametrize(
    ("path", "method", "entry"), ROUTES, ids=[f"{m} {p}" for p, m, _ in ROUTES]
)
def test_every_declared_error_is_in_the_apis_error_shape_or_a_page(
    served_document: dict[str, Any], path: str, method: str, entry: Any
) -> None:
    responses = _operation(served_document, path, method)["responses"]
    successes = [r for status, r in responses.items() if int(status) < 300]
    pages = any("text/html" in r.get("content", {}) for r in successes)
    for status, response in responses.items():
        if int(status) < 400:
            continue
        content = response["content"]
        assert set(content) <= (
            {"application/json", "text/html"} if pages else {"application/json"}
        )
        if "application/json" in content:
            assert content["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorBody"
            }, (method, path, status)
