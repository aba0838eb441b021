"""`/me/integrations`: the caller's webhook URLs and secrets, and the calendar feed's URL."""

from __future__ import annotations

from pydantic import BaseModel

from chalicelib.api.body import json_object
from chalicelib.api.request import ApiRequest, caller_of
from chalicelib.api.responses import ApiResponse
from chalicelib.api.schemas import CalcomSecret, CalendlySecret
from chalicelib.api.validation import validate_body
from chalicelib.clock import Clock
from chalicelib.service.integrations import IntegrationsService

# No cache: the body names secrets' URLs, and a rotation must show at once.
_PRIVATE = {"Cache-Control": "no-store"}


def get_integrations(
    request: ApiRequest, *, integrations: IntegrationsService, clock: Clock
) -> ApiResponse:
    caller = caller_of(request, clock)
    return ApiResponse(200, integrations.overview(caller.tenant_id, caller.user_id), _PRIVATE)


def put_calendly(
    request: ApiRequest, *, integrations: IntegrationsService, clock: Clock
) -> ApiResponse:
    return _put_secret(request, integrations, clock, CalendlySecret, "calendly", "signing_key")


def put_calcom(
    request: ApiRequest, *, integrations: IntegrationsService, clock: Clock
) -> ApiResponse:
    return _put_secret(request, integrations, clock, CalcomSecret, "calcom", "secret")


def rotate_calendar(
    request: ApiRequest, *, integrations: IntegrationsService, clock: Clock
) -> ApiResponse:
    caller = caller_of(request, clock)
    integrations.rotate_calendar(caller.tenant_id, caller.user_id)
    return ApiResponse(200, integrations.overview(caller.tenant_id, caller.user_id), _PRIVATE)


def _put_secret(
    request: ApiRequest,
    integrations: IntegrationsService,
    clock: Clock,
    model: type[BaseModel],
    provider: str,
    field: str,
) -> ApiResponse:
    caller = caller_of(request, clock)
    body = validate_body(model, json_object(request.raw_body))
    integrations.set_secret(caller.tenant_id, caller.user_id, provider, getattr(body, field))
    return ApiResponse(200, integrations.overview(caller.tenant_id, caller.user_id), _PRIVATE)
