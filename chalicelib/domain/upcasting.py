"""Reads stored event data of any schema version as today's event model.

Stored events are never rewritten when a schema changes (erasure aside). Instead an upcaster
per (type, from_version) lifts old data one version at a time when it is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.domain.errors import UnknownEventTypeError
from chalicelib.domain.events import EVENT_TYPES, EventData

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def register_upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Registers a function lifting `event_type` data from `from_version` to the next."""

    def register(upcaster: Upcaster) -> Upcaster:
        UPCASTERS[(event_type, from_version)] = upcaster
        return upcaster

    return register


def upcast(event_type: str, schema_version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Applies upcasters until the data is at the model's current schema version."""
    model = _model(event_type)
    version = schema_version
    while version < model.schema_version:
        upcaster = UPCASTERS.get((event_type, version))
        if upcaster is None:
            raise LookupError(f"no upcaster for {event_type} v{version}")
        data = upcaster(dict(data))
        version += 1
    return data


def parse_event(
    event_type: str, schema_version: int, data: dict[str, Any], *, redacted: bool = False
) -> EventData:
    """Today's model of a stored event. An erased event's missing personal fields are filled
    with placeholders, so what remains (times, outcomes) is still validated and typed."""
    model = _model(event_type)
    current = upcast(event_type, schema_version, data)
    if redacted:
        current = {**model.ERASED, **current}
    return model.model_validate(current)


def _model(event_type: str) -> type[EventData]:
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventTypeError(f"unknown event type {event_type!r}") from None
