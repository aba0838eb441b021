"""Between Chalice and the handlers: its request in, its Response out. Only app.py uses this.

Light on purpose: app.py imports it for every function, so what it needs beyond Chalice is
imported when a request first arrives (see app.py on cold starts).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice.app import Request, Response

if TYPE_CHECKING:
    from chalicelib.api.request import ApiRequest
    from chalicelib.api.responses import ApiResponse
    from chalicelib.bootstrap import Services

Handler = Callable[["Services", "ApiRequest"], "ApiResponse"]


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
    )


def respond(handler: Handler, request: Request | None) -> Response:
    """Runs a handler with the process's services and renders its answer."""
    from chalicelib.api.responses import answer
    from chalicelib.bootstrap import services

    if request is None:  # Chalice sets `current_request` before any route runs
        raise RuntimeError("a route ran without a current request")
    result = answer(lambda: handler(services(), api_request(request)))
    headers: dict[str, str | list[str]] = {"Content-Type": result.content_type, **result.headers}
    if result.body is None:
        return Response(body="", status_code=result.status, headers=headers)
    body = result.body if isinstance(result.body, str | bytes) else json.dumps(result.body)
    return Response(body=body, status_code=result.status, headers=headers)
