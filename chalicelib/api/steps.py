"""Reading a step (`POST /contacts/{id}/events`) body into a domain event and its time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from chalicelib.api.errors import ApiError, FieldProblem, bad_field, validation_error
from chalicelib.api.schemas import event_of, step_models, time_problems
from chalicelib.api.validation import reraise, validate_body
from chalicelib.domain.events import EventData

# Clients' clocks drift; an `at` a little ahead of ours is "now", not the future.
CLOCK_SKEW = timedelta(minutes=2)


def parse_step(body: dict[str, Any], now: datetime) -> tuple[EventData, datetime | None]:
    """The event a step body describes and when it happened: 400 naming any bad field."""
    kind = body.get("type")
    models = step_models()
    if not isinstance(kind, str) or kind not in models:
        known = ", ".join(sorted(models))
        raise ApiError(
            400,
            "unknown_event_type",
            f"unknown event type {kind!r}",
            (FieldProblem("type", f"must be one of: {known}"),),
        )
    step = validate_body(models[kind], body)
    at: datetime | None = getattr(step, "at", None)
    if at is not None and at > now + CLOCK_SKEW:
        raise bad_field("at", "must not be in the future")
    too_far = time_problems(step, now)
    if too_far:
        raise validation_error(too_far)
    try:
        return event_of(step), at
    except ValidationError as error:
        raise reraise(error) from None
