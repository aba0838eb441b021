"""Request and response models. The request models are the ones that validate bodies, and the
OpenAPI description is generated from all of them, so the two can never drift apart."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from chalicelib.api.errors import FieldProblem
from chalicelib.domain.events import CLIENT_EVENT_TYPES, ContactAdded, EventData, ReminderSnoozed
from chalicelib.domain.moments import time_problem
from chalicelib.domain.new_values import LinkedinUrl, NewTime, PersonName
from chalicelib.domain.types import Email
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, ReplyOutcome, ResearchSubject, Source, Status


class ContactCreate(ContactAdded):
    """`POST /contacts`: a professional to interview."""

    model_config = ConfigDict(title="ContactCreate")

    name: PersonName
    introduced_by: PersonName | None = None
    linkedin_url: LinkedinUrl | None = None


def _without_defaults(schema: dict[str, Any]) -> None:
    # A generated client sends a field's documented default whenever the caller leaves it
    # out, which would turn a partial update into a reset of every omitted setting.
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


class SettingsUpdate(UserSettings):
    """`PUT /me/settings`: any subset of the settings; omitted ones keep their value."""

    model_config = ConfigDict(title="SettingsUpdate", json_schema_extra=_without_defaults)


class SettingsPublic(UserSettings):
    """The caller's settings, every one of them; `email` is the token's until the user
    confirms another (`pending_email` meanwhile)."""

    model_config = ConfigDict(
        title="SettingsPublic", json_schema_serialization_defaults_required=True
    )

    email: Email = Field(description="Where reminders go now")
    pending_email: Email | None = Field(
        default=None,
        description="An address asked for in `email` that waits for the click on the link "
        "emailed to it (valid 24 hours); reminders keep going to `email` until then. Null "
        "when none. Read-only: the token's own address needs no link and applies at once",
    )


AT = (
    "When it happened: default now; at most 2 minutes ahead of the server's clock, not before "
    "1970, with a UTC offset within ±14:00."
)
STARTS_AT = "Not before 1970, at most 5 years ahead, with a UTC offset within ±14:00."
# The fields whose values new input must hold to the rules of `domain.new_values`, by name in
# every step that has them: the event models stay loose, so stored events still parse.
_NEW_VALUES: dict[str, tuple[Any, str | None]] = {
    "name": (PersonName, None),
    "introduced_by": (PersonName, None),
    "via": (PersonName, None),
    "linkedin_url": (LinkedinUrl, None),
    "profile_url": (LinkedinUrl, None),
    "starts_at": (NewTime, STARTS_AT),
}


def step_title(event_type: str) -> str:
    """`outreach_sent` -> `OutreachSent`: the stem of the models named after an event type."""
    return "".join(part.title() for part in event_type.split("_"))


UNTIL = "When the next action is due at the earliest: 1 hour to 90 days ahead."


class _SnoozeFields(EventData):
    """A client's `reminder_snoozed`: only `until`; which action it puts off is the server's
    to say (the next action now), so the event's `action` and `due_at` are not asked for."""

    event_type = ReminderSnoozed.event_type
    until: NewTime = Field(description=UNTIL)


# The fields a client sends for a step, where they are not the event's own.
_CLIENT_FIELDS: dict[str, type[EventData]] = {ReminderSnoozed.event_type: _SnoozeFields}


@cache
def step_models() -> dict[str, type[EventData]]:
    """One request model per client event type: the event's fields plus `type` and `at`."""
    models: dict[str, type[EventData]] = {}
    for name, event in CLIENT_EVENT_TYPES.items():
        models[name] = create_model(  # type: ignore[call-overload]
            step_title(name) + "Step",
            __base__=_CLIENT_FIELDS.get(name, event),
            type=(Literal[name], ...),  # type: ignore[valid-type,arg-type]
            at=(NewTime | None, Field(default=None, description=AT)),
            **_stricter_fields(event),
        )
    return models


def _stricter_fields(event: type[EventData]) -> dict[str, Any]:
    """The event's fields that new input must hold to `_NEW_VALUES`, each with its default."""
    fields: dict[str, Any] = {}
    for name, (rule, description) in _NEW_VALUES.items():
        base = event.model_fields.get(name)
        if base is None:
            continue
        if base.is_required():
            fields[name] = (rule, Field(description=description))
        else:
            fields[name] = (rule | None, Field(default=base.default, description=description))
    return fields


SNOOZE_AT_LEAST = timedelta(hours=1)
SNOOZE_AT_MOST = timedelta(days=90)


def time_problems(step: EventData, now: datetime) -> list[FieldProblem]:
    """The step's times too far ahead of `now` to be believed: the models' validators, which
    have no clock, check the rest of each time's bounds (and `at` may not be ahead at all)."""
    problems: list[FieldProblem] = []
    starts_at = getattr(step, "starts_at", None)
    problem = time_problem(starts_at, now) if isinstance(starts_at, datetime) else None
    if problem:
        problems.append(FieldProblem("starts_at", problem))
    until = getattr(step, "until", None)
    if isinstance(until, datetime) and not (now + SNOOZE_AT_LEAST <= until <= now + SNOOZE_AT_MOST):
        problems.append(FieldProblem("until", "must be 1 hour to 90 days from now"))
    return problems


def event_of(step: EventData) -> EventData:
    """The domain event a validated step request describes."""
    model = CLIENT_EVENT_TYPES[step.event_type]
    fields = step.model_dump(exclude={"type", "at"}, exclude_unset=True)
    return model.model_validate(fields)


# The event types a client may record, as one named enumeration.
StepType = StrEnum("StepType", [(name.upper(), name) for name in CLIENT_EVENT_TYPES])  # type: ignore[misc]


class NextAction(BaseModel):
    action: Action
    due_at: datetime


class InterviewPublic(BaseModel):
    starts_at: datetime
    duration_minutes: int
    location: str | None


class ResearchPublic(BaseModel):
    subject: ResearchSubject
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
    source: Source
    introduced_by: str | None
    notes: str | None
    status: Status
    next_action: NextAction | None
    interview: InterviewPublic | None
    prepared: bool
    questions: list[str]
    research: list[ResearchPublic]
    follow_ups_sent: int
    reply: ReplyOutcome | None
    thank_you_sent_at: datetime | None
    linkedin_connected_at: datetime | None
    reflection: ReflectionPublic | None
    created_at: datetime
    updated_at: datetime
    allowed_steps: list[StepType] = Field(  # type: ignore[valid-type]
        description="The step types `POST /contacts/{contact_id}/events` accepts now, in the "
        "order a person would take them: what is listed is accepted (given valid fields), "
        "what is not is a 422. Empty for an erased contact"
    )


class EventRef(BaseModel):
    version: int
    type: StepType
    occurred_at: datetime


class StepRecorded(BaseModel):
    contact: ContactPublic
    event: EventRef


class ContactList(BaseModel):
    items: list[ContactPublic]
    next_cursor: str | None


_WHOSE = (
    "The tenant dashboard only: the member whose contact it is (only members who share with "
    "coaches appear)"
)


class DueAction(BaseModel):
    contact_id: str
    name: str
    action: Action
    due_at: datetime
    user_id: str | None = Field(default=None, description=_WHOSE)


class UpcomingInterview(BaseModel):
    contact_id: str
    name: str
    starts_at: datetime
    user_id: str | None = Field(default=None, description=_WHOSE)


class Funnel(BaseModel):
    reached_out: int
    replied: int
    interviewed: int
    reply_rate: float | None


Counts = create_model(  # type: ignore[call-overload]
    "Counts",
    __doc__="How many contacts are in each status.",
    **{status.value: (Annotated[int, Field(ge=0)], ...) for status in Status},
)


class Dashboard(BaseModel):
    counts: Counts  # type: ignore[valid-type]
    due_actions: list[DueAction]
    upcoming_interviews: list[UpcomingInterview]
    funnel: Funnel
    as_of: datetime


class FieldError(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    code: str = Field(description="snake_case, stable: what a program branches on")
    message: str = Field(description="for a person: what went wrong and what to do")
    fields: list[FieldError] | None = Field(
        default=None, description="validation errors only: each bad field, by dotted path"
    )


class ErrorBody(BaseModel):
    """Every error the API answers, whoever makes it (a handler, Chalice or the gateway)."""

    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"]


_SECRET_RULES = (
    "Write-only: stored encrypted, never returned. 8 to 500 characters, no leading or trailing"
    " spaces."
)
SigningSecret = Annotated[
    str, Field(min_length=8, max_length=500, pattern=r"^\S(.*\S)?$", description=_SECRET_RULES)
]


class CalendlySecret(BaseModel):
    """`PUT /me/integrations/calendly`: the signing key of the Calendly webhook subscription."""

    model_config = ConfigDict(title="CalendlySecret", extra="forbid")

    signing_key: SigningSecret


class CalcomSecret(BaseModel):
    """`PUT /me/integrations/calcom`: the secret set on the Cal.com webhook."""

    model_config = ConfigDict(title="CalcomSecret", extra="forbid")

    secret: SigningSecret


class WebhookIntegration(BaseModel):
    model_config = ConfigDict(title="WebhookIntegration")

    webhook_url: str = Field(description="Paste this into the provider's webhook settings")
    configured: bool = Field(description="Whether its signing secret is set")


class InboundAddresses(BaseModel):
    model_config = ConfigDict(title="InboundAddresses")

    log_address: str | None = Field(
        description="Bcc this address to log an email you send; null until inbound email is"
        " set up for this service"
    )


class IntegrationsPublic(BaseModel):
    """`GET /me/integrations`: what to paste where. Secrets are never part of it."""

    model_config = ConfigDict(title="IntegrationsPublic")

    calendar_feed_url: str = Field(description="Subscribe to it; rotating it ends the old URL")
    calendly: WebhookIntegration
    calcom: WebhookIntegration
    inbound: InboundAddresses


class WebhookRecorded(BaseModel):
    model_config = ConfigDict(title="WebhookRecorded")

    contact_id: str
    event_type: str
    version: int
    replayed: bool = Field(description="True when this delivery was recorded before")


class WebhookDelivered(BaseModel):
    """A delivery's answer: the step it recorded, or why it recorded none (a booking the
    contact's state does not allow, an invitee of nobody's, an event Rapport does not use)."""

    model_config = ConfigDict(title="WebhookDelivered")

    recorded: WebhookRecorded | None
    ignored: str | None


class ImportNewRow(BaseModel):
    model_config = ConfigDict(title="ImportNewRow")

    line: int = Field(description="The row's line in the file (1 is the first)")
    contact_id: str
    name: str
    email: str | None
    company: str | None
    role: str | None
    linkedin_url: str | None


class ImportDuplicate(BaseModel):
    model_config = ConfigDict(title="ImportDuplicate")

    line: int
    contact_id: str = Field(description="The contact of yours it matches")


class ImportRowError(BaseModel):
    model_config = ConfigDict(title="ImportRowError")

    line: int
    message: str = Field(description="The column and what is wrong with it")


class ImportReport(BaseModel):
    """`POST /contacts/import?dry_run=true`: what an import would do, writing nothing."""

    model_config = ConfigDict(title="ImportReport")

    rows: int = Field(description="Data rows in the file (blank rows not counted)")
    new: list[ImportNewRow]
    duplicates: list[ImportDuplicate]
    errors: list[ImportRowError]


class ImportResult(ImportReport):
    """`POST /contacts/import`: what the import did."""

    model_config = ConfigDict(title="ImportResult")

    created: list[str] = Field(description="The ids of the contacts created, in file order")
