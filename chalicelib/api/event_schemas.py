"""The events of `GET /contacts/{id}/events`, one model per event type, discriminated by `type`.

Only the OpenAPI description uses these (the handler answers with the store's data), so a
client can read each event's `data` as the type it is. An event's data is stored as its model
dumps it: whole, so every field is present (null when unset), except the partial events
(`contact_updated`, `interview_rescheduled`), which hold only the fields they change.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from chalicelib.api.schemas import step_title
from chalicelib.domain.events import EVENT_TYPES, EventData


def _data_model(event: type[EventData]) -> type[EventData]:
    title = step_title(event.event_type) + "Data"
    config = ConfigDict(title=title, json_schema_serialization_defaults_required=not event.PARTIAL)
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": event.__doc__,
        "model_config": config,
    }
    return type(title, (event,), namespace)


@cache
def event_models() -> dict[str, type[BaseModel]]:
    """One answer model per event type: the envelope, `type` fixed, and that event's data."""
    return {
        name: create_model(  # type: ignore[call-overload]
            step_title(name) + "Event",
            version=(int, ...),
            type=(Literal[name], ...),  # type: ignore[valid-type,arg-type]
            occurred_at=(datetime, ...),
            recorded_at=(datetime, ...),
            data=(_data_model(event), ...),
            retracted=(
                bool,
                Field(description="Undone by a later `step_retracted`: the fold ignores it"),
            ),
        )
        for name, event in EVENT_TYPES.items()
    }


@cache
def event_list() -> type[BaseModel]:
    """`{"items": [event…]}`, each item one of the event models by its `type`."""
    union = Union[tuple(event_models().values())]  # type: ignore[valid-type]  # noqa: UP007
    item = Annotated[union, Field(discriminator="type")]  # type: ignore[valid-type]
    return create_model("EventList", items=(list[item], ...))  # type: ignore[valid-type]
