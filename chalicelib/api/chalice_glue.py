"""Between Chalice and the handlers: its request in, its Response out. Only app.py uses this.

Light on purpose: app.py imports it for every function, so what it needs beyond Chalice is
imported when a request first arrives (see app.py on cold starts).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from chalice.app import Request, Response

if TYPE_CHECKING:
    from chalicelib.api.request import ApiRequest
    from chalicelib.api.responses import ApiResponse

# A handler takes the request and, by keyword, the services it names (`commands`, `clock`, …).
Handler = Callable[..., "ApiResponse"]


def api_request(request: Request) -> ApiRequest:
    from chalicelib.api.request import ApiRequest

    context: dict[str, Any] = request.context or {}
    raw = request.raw_body or b""
    return ApiRequest(
        method=request.method,
        path=str(context.get("path") or context.get("resourcePath") or ""),
        headers={k.lower(): v for k, v in (request.headers or {}).items()},
        query=dict(request.query_params or {}),
        path_params=dict(request.uri_params or {}),
        raw_body=raw.encode() if isinstance(raw, str) else raw,
        auth_context=dict(context.get("authorizer") or {}),
        origin=origin_of(context, dict(request.uri_params or {})),
    )


def origin_of(context: dict[str, Any], params: dict[str, str]) -> str | None:
    """`https://<domain><prefix>`: API Gateway's domain, and what its path has before the
    route's own (`/api` for the stage on the execute-api domain, a custom domain's mapping)."""
    domain = context.get("domainName")
    if not isinstance(domain, str) or not domain or "/" in domain:
        return None
    path = str(context.get("path") or "")
    route = str(context.get("resourcePath") or "")
    for name, value in params.items():
        route = route.replace("{" + name + "}", value)
    prefix = path[: -len(route)] if route and path.endswith(route) else ""
    return f"https://{domain}{prefix.rstrip('/')}"


@cache
def _dependencies(handler: Handler) -> tuple[str, ...]:
    """The services a handler names after its request (cosmicpython's injection by name)."""
    return tuple(name for name in inspect.signature(handler).parameters if name != "request")


def respond(handler: Handler, request: Request | None) -> Response:
    """Runs a handler with the services it names, no more, and renders its answer."""
    from chalicelib.api.responses import answer
    from chalicelib.api.throttling import admit
    from chalicelib.bootstrap import services

    if request is None:  # Chalice sets `current_request` before any route runs
        raise RuntimeError("a route ran without a current request")

    def run() -> ApiResponse:
        built = services()
        incoming = api_request(request)
        admit(built.throttle, incoming)  # per tenant, before any work: 429 when over its rate
        given = {name: getattr(built, name) for name in _dependencies(handler)}
        return handler(incoming, **given)

    result = answer(run)
    headers: dict[str, str | list[str]] = {"Content-Type": result.content_type, **result.headers}
    if result.body is None:
        return Response(body="", status_code=result.status, headers=headers)
    body = result.body if isinstance(result.body, str | bytes) else json.dumps(result.body)
    return Response(body=body, status_code=result.status, headers=headers)


def api_shaped_refusals(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """HTTP middleware: Chalice's own 405, 415 and 500 answers in the API's error body."""
    response = get_response(request)
    if response.status_code < 400:
        return response
    from chalicelib.api.refusals import chalice_refusal, is_chalice_refusal

    if not is_chalice_refusal(response.body):
        return response
    headers = dict(response.headers or {})
    message = str(response.body["Message"])
    from chalicelib.api.media_types import accepted_media_types

    route = str((request.context or {}).get("resourcePath") or "")
    error = chalice_refusal(
        response.status_code,
        message,
        allow=str(headers.get("Allow", "")),
        accepted=tuple(accepted_media_types(route, request.method)),
    )
    headers.update({"Content-Type": "application/json", **error.headers})
    return Response(body=json.dumps(error.body()), status_code=error.status, headers=headers)


def correlated(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """HTTP middleware: binds the request's correlation id and tenant for its logs and events,
    and hands the id back in `X-Correlation-Id`."""
    from chalicelib import correlation
    from chalicelib.telemetry import logger

    context: dict[str, Any] = request.context or {}
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    correlation_id = correlation.chosen(headers.get(correlation.HEADER), context.get("requestId"))
    tenant_id = (context.get("authorizer") or {}).get("tenant_id")
    logger.append_keys(correlation_id=correlation_id, tenant_id=tenant_id)
    try:
        with correlation.bound(correlation_id):
            response = get_response(request)
        # The route's template, not its path: no query string, no token, no personal data.
        route = context.get("resourcePath")
        logger.info("%s %s answered %d", request.method, route, response.status_code)
    finally:
        logger.remove_keys(["correlation_id", "tenant_id"])
    if correlation_id:
        response.headers = {**(response.headers or {}), "X-Correlation-Id": correlation_id}
    return response


def powertools(wrapper: Callable[..., Any]) -> Callable[[Any, Callable[[Any], Any]], Any]:
    """A Powertools handler decorator as Chalice middleware for every event type (Chalice's
    `ConvertToMiddleware`), skipped outside Lambda (the dev stack, the bench, a handler called
    directly): its cold-start metric would be an EMF line on their stdout."""
    from chalice.app import ConvertToMiddleware

    from chalicelib.telemetry import in_lambda

    converted = ConvertToMiddleware(wrapper)

    def middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
        is_request = isinstance(event, Request)
        context = event.lambda_context if is_request else getattr(event, "context", None)
        if context is None or not in_lambda():
            return get_response(event)
        return converted(event, get_response)

    return middleware
