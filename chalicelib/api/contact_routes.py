"""Handlers of the contact endpoints: parse, call one service, shape the answer."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from chalicelib.api.body import idempotency_key, if_match, json_object
from chalicelib.api.request import ApiRequest, caller_of
from chalicelib.api.responses import ApiResponse
from chalicelib.api.schemas import ContactCreate
from chalicelib.api.steps import parse_step
from chalicelib.api.validation import validate_body
from chalicelib.clock import Clock
from chalicelib.domain.events import ContactAdded
from chalicelib.service.commands import ContactCommands
from chalicelib.service.idempotency import IdempotencyRequest
from chalicelib.service.queries import ContactQueries
from chalicelib.service.results import CommandResult


def _idempotency(request: ApiRequest, body: object) -> IdempotencyRequest | None:
    key = idempotency_key(request.headers)
    if key is None:
        return None
    return IdempotencyRequest.of(key, request.method, request.path, body)


def _created(result: CommandResult, body: object, location: str) -> ApiResponse:
    """A 201, the first time and on every replay (API.md: a replay is the first answer again)."""
    headers = {"ETag": f'"{result.version}"', "Location": location}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    return ApiResponse(201, body, headers)


def _step_body(result: CommandResult) -> dict[str, Any]:
    return {"contact": result.contact, "event": asdict(result.event)}


def create_contact(request: ApiRequest, *, commands: ContactCommands, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    body = json_object(request.raw_body)
    details = validate_body(ContactCreate, body)
    result = commands.add_contact(
        caller, ContactAdded.model_validate(details.to_data()), _idempotency(request, body)
    )
    return _created(result, result.contact, f"/contacts/{result.contact_id}")


def get_contact(request: ApiRequest, *, queries: ContactQueries, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    contact = queries.contact(caller, request.contact_id())
    return ApiResponse(200, contact, {"ETag": f'"{contact["version"]}"'})


def list_events(request: ApiRequest, *, queries: ContactQueries, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    return ApiResponse(200, {"items": queries.events(caller, request.contact_id())})


def record_step(request: ApiRequest, *, commands: ContactCommands, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    contact_id = request.contact_id()
    expected = if_match(request.headers)
    body = json_object(request.raw_body)
    event, at = parse_step(body, clock.now())
    result = commands.record_step(
        caller,
        contact_id,
        event,
        occurred_at=at,
        if_match=expected,
        idempotency=_idempotency(request, body),
    )
    return _created(result, _step_body(result), f"/contacts/{contact_id}")
