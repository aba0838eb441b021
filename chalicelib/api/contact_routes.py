"""Handlers of the contact endpoints: parse, call one service, shape the answer."""

from __future__ import annotations

from chalicelib.api.body import idempotency_key, if_match, json_object
from chalicelib.api.request import ApiRequest, caller_of
from chalicelib.api.responses import ApiResponse
from chalicelib.api.schemas import ContactCreate
from chalicelib.api.steps import parse_step
from chalicelib.api.validation import validate_body
from chalicelib.bootstrap import Services
from chalicelib.domain.events import ContactAdded
from chalicelib.service.commands import CommandOutcome
from chalicelib.service.idempotency import IdempotencyRequest


def _idempotency(request: ApiRequest, body: object) -> IdempotencyRequest | None:
    key = idempotency_key(request.headers)
    if key is None:
        return None
    return IdempotencyRequest.of(key, request.method, request.path, body)


def _created(outcome: CommandOutcome, body: object, location: str) -> ApiResponse:
    headers = {"ETag": f'"{outcome.version}"', "Location": location}
    if outcome.replayed:
        headers["Idempotent-Replayed"] = "true"
    return ApiResponse(outcome.status, body, headers)


def create_contact(services: Services, request: ApiRequest) -> ApiResponse:
    caller = caller_of(request, services.clock)
    body = json_object(request.raw_body)
    details = validate_body(ContactCreate, body)
    outcome = services.commands.add_contact(
        caller, ContactAdded.model_validate(details.to_data()), _idempotency(request, body)
    )
    contact = outcome.body["contact"]
    return _created(outcome, contact, f"/contacts/{contact['contact_id']}")


def get_contact(services: Services, request: ApiRequest) -> ApiResponse:
    caller = caller_of(request, services.clock)
    contact = services.queries.contact(caller, request.contact_id())
    return ApiResponse(200, contact, {"ETag": f'"{contact["version"]}"'})


def list_events(services: Services, request: ApiRequest) -> ApiResponse:
    caller = caller_of(request, services.clock)
    return ApiResponse(200, {"items": services.queries.events(caller, request.contact_id())})


def record_step(services: Services, request: ApiRequest) -> ApiResponse:
    caller = caller_of(request, services.clock)
    contact_id = request.contact_id()
    expected = if_match(request.headers)
    body = json_object(request.raw_body)
    event, at = parse_step(body, services.clock.now())
    outcome = services.commands.record_step(
        caller,
        contact_id,
        event,
        occurred_at=at,
        if_match=expected,
        idempotency=_idempotency(request, body),
    )
    return _created(outcome, outcome.body, f"/contacts/{contact_id}")
