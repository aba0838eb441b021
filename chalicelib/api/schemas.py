"""Request and response models. The request models are the ones that validate bodies, and the
OpenAPI description is generated from all of them, so the two can never drift apart."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, create_model

from chalicelib.domain.events import CLIENT_EVENT_TYPES, ContactAdded, EventData
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, Status


class ContactCreate(ContactAdded):
    """`POST /contacts`: a professional to interview."""

    model_config = ConfigDict(title="ContactCreate")


class SettingsUpdate(UserSettings):
    """`PUT /me/settings`: any subset of the settings; omitted ones keep their value."""

    model_config = ConfigDict(title="SettingsUpdate")


class _StepFields(BaseModel):
    at: AwareDatetime | None = Field(
        default=None, description="When it happened; default now, never in the future."
    )


@cache
def step_models() -> dict[str, type[EventData]]:
    """One request model per client event type: the event's fields plus `type` and `at`."""
    models: dict[str, type[EventData]] = {}
    for name, event in CLIENT_EVENT_TYPES.items():
        title = "".join(part.title() for part in name.split("_")) + "Step"
        models[name] = create_model(  # type: ignore[call-overload]
            title,
            __base__=event,
            type=(Literal[name], ...),  # type: ignore[valid-type,arg-type]
            at=(AwareDatetime | None, None),
        )
    return models


def event_of(step: EventData) -> EventData:
    """The domain event a validated step request describes."""
    model = CLIENT_EVENT_TYPES[step.event_type]
    fields = step.model_dump(exclude={"type", "at"}, exclude_unset=True)
    return model.model_validate(fields)


class NextAction(BaseModel):
    action: Action
    due_at: datetime


class InterviewPublic(BaseModel):
    starts_at: datetime
    duration_minutes: int
    location: str | None


class ResearchPublic(BaseModel):
    subject: str
    text: str
    noted_at: datetime


class ReflectionPublic(BaseModel):
    career_path: str | None
    obstacles: str | None
    lessons: str | None


class ContactPublic(BaseModel):
    """A contact, folded from its events (or from the projections, in lists)."""

    contact_id: str
    version: int
    name: str
    email: str | None
    company: str | None
    role: str | None
    linkedin_url: str | None
    source: str
    introduced_by: str | None
    notes: str | None
    status: Status
    next_action: NextAction | None
    interview: InterviewPublic | None
    prepared: bool
    questions: list[str]
    research: list[ResearchPublic]
    follow_ups_sent: int
    reply: str | None
    thank_you_sent_at: datetime | None
    linkedin_connected_at: datetime | None
    reflection: ReflectionPublic | None
    created_at: datetime
    updated_at: datetime


class EventPublic(BaseModel):
    version: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    data: dict[str, Any]


class EventRef(BaseModel):
    version: int
    type: str
    occurred_at: datetime


class StepRecorded(BaseModel):
    contact: ContactPublic
    event: EventRef


class EventList(BaseModel):
    items: list[EventPublic]


class ContactList(BaseModel):
    items: list[ContactPublic]
    next_cursor: str | None


class DueAction(BaseModel):
    contact_id: str
    name: str
    action: Action
    due_at: datetime


class UpcomingInterview(BaseModel):
    contact_id: str
    name: str
    starts_at: datetime


class Funnel(BaseModel):
    reached_out: int
    replied: int
    interviewed: int
    reply_rate: float | None


class Dashboard(BaseModel):
    counts: dict[Status, int]
    due_actions: list[DueAction]
    upcoming_interviews: list[UpcomingInterview]
    funnel: Funnel
    as_of: datetime


class FieldError(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[FieldError] | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"]
