"""The pieces every operation of the OpenAPI description is made of: answers, headers,
parameters, the refusals that any route can give, and the operation itself."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from chalicelib.api import schemas as s
from chalicelib.api.body import IDEMPOTENCY_KEY_PATTERN, IF_MATCH_PATTERN

Schema = dict[str, Any]
HTML = "text/html"


def ref(model: type[BaseModel] | str) -> Schema:
    name = model if isinstance(model, str) else model.__name__
    return {"$ref": f"#/components/schemas/{name}"}


def header(description: str, *, required: bool = True, **schema: Any) -> Schema:
    return {
        "description": description,
        "required": required,
        "schema": {"type": "string", **schema},
    }


ETAG = header('The contact\'s version, quoted: `"4"`; send it back in `If-Match`')
CURRENT_ETAG = header('The contact\'s current version, quoted: `"5"`')
LOCATION = header("Where the contact is: `/contacts/{contact_id}`")
REPLAYED = header(
    "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`",
    required=False,
    enum=["true"],
)
WWW_AUTHENTICATE = header('`Bearer error="invalid_token"` when a token was sent', required=False)


def answer(
    description: str, model: type[BaseModel] | Schema, headers: dict[str, Schema] | None = None
) -> Schema:
    """A JSON answer of the model's schema, with these response headers."""
    schema = ref(model) if isinstance(model, type) else model
    response: Schema = {"description": description}
    if headers:
        response["headers"] = headers
    response["content"] = {"application/json": {"schema": schema}}
    return response


def error(description: str, headers: dict[str, Schema] | None = None) -> Schema:
    """An answer in the API's error body: `{"error": {"code", "message", "fields"?}}`."""
    return answer(description, s.ErrorBody, headers)


def page(description: str) -> Schema:
    return {"description": description, "content": {HTML: {"schema": {"type": "string"}}}}


def empty(description: str) -> Schema:
    return {"description": description}


def parameter(
    name: str, where: str, description: str, *, required: bool = True, schema: Schema | None = None
) -> Schema:
    """One operation parameter; a plain string unless `schema` says otherwise."""
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": schema if schema is not None else {"type": "string"},
    }


# How long to wait before retrying an answer that was refused for now (a 429 or a 503).
RETRY_AFTER = {"Retry-After": header("Seconds to wait", required=False, pattern="^[0-9]+$")}


# What any route may answer, whatever its handler does: Chalice checks the `Content-Type` of
# every request before the route runs, tenants and API Gateway throttle, and a bug is a 500.
ANY_ROUTE = {
    "415": error(
        "`unsupported_media_type`: the request's `Content-Type` is not one this route takes "
        "(JSON, unless the route says otherwise)"
    ),
    "429": error(
        "`too_many_requests`: the caller's tenant is over its rate; retry after `Retry-After` "
        "seconds (deployed, API Gateway's own throttle answers a 429 too)",
        RETRY_AFTER,
    ),
    "500": error("`internal_error`: something went wrong on our side; retry"),
}
UNAUTHORIZED = error(
    "`unauthorized`: no token, or an expired, forged or foreign one; sign in again",
    {"WWW-Authenticate": WWW_AUTHENTICATE},
)
BAD_INPUT = error(
    "`validation_error` (with `fields`: each bad field by dotted path), `malformed_json`, "
    "`unknown_event_type` or `invalid_cursor`"
)
NOT_FOUND = error("`not_found`: no such contact of the caller's (another's is a 404 too)")
TOO_LARGE = error("`payload_too_large`: the body is over 64 KiB")
CONTACT_ID = {
    "name": "contact_id",
    "in": "path",
    "required": True,
    "description": "An id this API gave; anything else is simply not found",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "The same key and body within 24 h get the first answer again (a 201 "
    "only; errors are recomputed); the same key with another body is a 409",
    "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": 'The version the step was decided on: `"4"`, `W/"4"`, `4`, or `*` (any)',
    "schema": {"type": "string", "pattern": IF_MATCH_PATTERN},
}


def operation(
    operation_id: str,
    tag: str,
    summary: str,
    responses: dict[str, Schema],
    *,
    secured: bool = True,
    body: Schema | None = None,
    parameters: tuple[Schema, ...] = (),
) -> Schema:
    """An operation whose answers are its own, plus what any route (and a secured one) gives."""
    answers = {**responses, **({"401": UNAUTHORIZED} if secured else {})}
    for status, response in ANY_ROUTE.items():
        answers.setdefault(status, response)
    described: Schema = {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        "responses": dict(sorted(answers.items())),
    }
    if parameters:
        described["parameters"] = list(parameters)
    if body is not None:
        described["requestBody"] = body
    if not secured:
        described["security"] = []
    return described


def json_body(model: Schema) -> Schema:
    return {"required": True, "content": {"application/json": {"schema": model}}}
