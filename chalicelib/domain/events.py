"""Every event a contact's stream can hold, as validated, versioned pydantic models.

Each model is the event's data; the envelope (version, times, actor) lives with the store.
`PERSONAL` names the fields that can identify the contact, so erasure knows what to remove.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self
from urllib.parse import urlparse

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from chalicelib.domain.types import Email, Timestamp
from chalicelib.domain.vocabulary import Action, Channel, ReplyOutcome, ResearchSubject, Source


def _https_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme != "https" or not parsed.netloc:
        raise ValueError("must be an https:// URL")
    return value


Name = Annotated[str, Field(min_length=1, max_length=200)]
Short = Annotated[str, Field(max_length=200)]
Text = Annotated[str, Field(max_length=5_000)]
LongText = Annotated[str, Field(max_length=10_000)]
HttpsUrl = Annotated[str, Field(max_length=500), AfterValidator(_https_url)]
Minutes = Annotated[int, Field(ge=5, le=240)]
Question = Annotated[str, Field(min_length=1, max_length=500)]


def _trimmed(schema: dict[str, Any]) -> None:
    """Every text of an event is trimmed before its rules are checked, so each anchored
    pattern of the document allows the space the value arrives with."""
    for field in schema.get("properties", {}).values():
        for branch in [field, *field.get("anyOf", [])]:
            pattern = branch.get("pattern")
            if isinstance(pattern, str) and pattern.startswith("^") and pattern.endswith("$"):
                branch["pattern"] = r"^\s*" + pattern[1:-1] + r"\s*$"


def _event_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    # The JSON Schema of every event and step model: its own rules, then the trimming.
    refine = getattr(model, "refine_schema", None)
    if refine is not None:
        refine(schema)
    _trimmed(schema)


class EventData(BaseModel):
    """Base of every event's data: strict about unknown fields, immutable once made."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, json_schema_extra=_event_schema
    )

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    PERSONAL: ClassVar[frozenset[str]] = frozenset()
    client_may_record: ClassVar[bool] = True
    # A partial event's meaning is which fields it names (e.g. which details changed), so
    # it is stored without its defaults; every other event is stored whole.
    PARTIAL: ClassVar[bool] = False
    # What an erased event holds in place of a required personal field, so it still parses.
    ERASED: ClassVar[dict[str, Any]] = {}

    @classmethod
    def refine_schema(cls, schema: dict[str, Any]) -> None:
        """States in JSON Schema what a model validator of the event checks (none here)."""

    def to_data(self) -> dict[str, Any]:
        """The JSON data to store for this event."""
        return self.model_dump(mode="json", exclude_unset=self.PARTIAL)


class ContactDetails(EventData):
    """The contact's own details, shared by `contact_added` and `contact_updated`."""

    email: Email | None = None
    company: Short | None = None
    role: Short | None = None
    linkedin_url: HttpsUrl | None = None
    introduced_by: Short | None = None
    notes: LongText | None = None

    PERSONAL = frozenset(
        {"name", "email", "company", "role", "linkedin_url", "introduced_by", "notes"}
    )


class ContactAdded(ContactDetails):
    event_type = "contact_added"
    client_may_record = False  # POST /contacts records it
    ERASED = {"name": "(erased)"}
    name: Name
    source: Source = Source.COLD_OUTREACH


def _changes_something_schema(schema: dict[str, Any]) -> None:
    """`ContactUpdated._changes_something`, said in JSON Schema: at least one of its own fields
    (a step's `type` and `at` are not changes), and never a null `name` or `source`."""
    properties = schema.get("properties", {})
    for required in ("name", "source"):
        field = properties.get(required)
        if field is None:
            continue
        field.pop("default", None)
        kept = [branch for branch in field.pop("anyOf", []) if branch.get("type") != "null"]
        if len(kept) == 1:
            field.update(kept[0])
    changes = [name for name in ContactUpdated.model_fields if name in properties]
    # "Not none of them": `{"not": {}}` (no value fits) under `properties` forbids a field, so
    # the `not` of all of them forbidden requires one. Said so rather than as an `anyOf` of
    # `required`s, which generated clients turn into a union in place of the one model it is.
    schema["not"] = {"properties": {name: {"not": {}} for name in changes}}


class ContactUpdated(ContactDetails):
    event_type = "contact_updated"
    PARTIAL = True
    # Every field of an update is personal: once erased it must still name one to be valid.
    ERASED = {"notes": None}
    name: Name | None = None
    source: Source | None = None

    @classmethod
    def refine_schema(cls, schema: dict[str, Any]) -> None:
        _changes_something_schema(schema)

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give at least one contact field to change")
        for required in ("name", "source"):
            if required in self.model_fields_set and getattr(self, required) is None:
                raise ValueError(f"{required} cannot be removed, only changed")
        return self


class IntroductionRequested(EventData):
    event_type = "introduction_requested"
    via: Short | None = None
    PERSONAL = frozenset({"via"})


class OutreachSent(EventData):
    event_type = "outreach_sent"
    channel: Channel = Channel.EMAIL
    message: Text | None = None
    PERSONAL = frozenset({"message"})


class FollowUpSent(OutreachSent):
    event_type = "follow_up_sent"


class ReplyReceived(EventData):
    event_type = "reply_received"
    outcome: ReplyOutcome


class InterviewScheduled(EventData):
    event_type = "interview_scheduled"
    starts_at: Timestamp
    duration_minutes: Minutes = 30
    location: Short | None = None
    PERSONAL = frozenset({"location"})


class InterviewRescheduled(EventData):
    event_type = "interview_rescheduled"
    PARTIAL = True
    starts_at: Timestamp
    duration_minutes: Minutes | None = None
    location: Short | None = None
    PERSONAL = frozenset({"location"})


class InterviewCancelled(EventData):
    event_type = "interview_cancelled"
    reason: Text | None = None
    PERSONAL = frozenset({"reason"})


class ResearchNoted(EventData):
    event_type = "research_noted"
    ERASED = {"text": "(erased)"}
    subject: ResearchSubject
    text: Annotated[str, Field(min_length=1, max_length=5_000)]
    PERSONAL = frozenset({"text"})


class QuestionsPrepared(EventData):
    event_type = "questions_prepared"
    ERASED = {"questions": ["(erased)"]}
    questions: Annotated[list[Question], Field(min_length=1, max_length=50)]
    PERSONAL = frozenset({"questions"})


class InterviewCompleted(EventData):
    event_type = "interview_completed"
    notes: LongText | None = None
    duration_minutes: Minutes | None = None
    PERSONAL = frozenset({"notes"})


class ThankYouSent(EventData):
    event_type = "thank_you_sent"
    channel: Channel = Channel.EMAIL


class LinkedinConnected(EventData):
    event_type = "linkedin_connected"
    profile_url: HttpsUrl | None = None
    PERSONAL = frozenset({"profile_url"})


def _says_something_schema(schema: dict[str, Any]) -> None:
    """`ReflectionRecorded._says_something` in JSON Schema: one of its texts holds more than
    space (texts are trimmed, and an empty one says nothing)."""
    # "Not all of them blank": each field, when there, not a text with more than space (the
    # same `not` as `contact_updated`'s, for the same reason).
    said = {"type": "string", "pattern": r"\S"}
    schema["not"] = {"properties": {name: {"not": said} for name in REFLECTION_TEXTS}}


REFLECTION_TEXTS = ("career_path", "obstacles", "lessons")


class ReflectionRecorded(EventData):
    event_type = "reflection_recorded"
    ERASED = {"lessons": "(erased)"}
    career_path: LongText | None = None
    obstacles: LongText | None = None
    lessons: LongText | None = None
    PERSONAL = frozenset({"career_path", "obstacles", "lessons"})

    @classmethod
    def refine_schema(cls, schema: dict[str, Any]) -> None:
        _says_something_schema(schema)

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        if not any(getattr(self, name) for name in REFLECTION_TEXTS):
            raise ValueError("write at least one of career_path, obstacles or lessons")
        return self


class ContactArchived(EventData):
    event_type = "contact_archived"
    reason: Text | None = None
    PERSONAL = frozenset({"reason"})


class StepRetracted(EventData):
    """Undoes the most recent step not undone yet (never `contact_added`, `contact_erased` or
    `reminder_sent`): the fold ignores that step from then on; the stream keeps it."""

    event_type = "step_retracted"
    reason: Text | None = None
    PERSONAL = frozenset({"reason"})


class ContactReopened(EventData):
    """An archived or declined contact back in the pipeline, where it was before."""

    event_type = "contact_reopened"
    reason: Text | None = None
    PERSONAL = frozenset({"reason"})


class ReminderSnoozed(EventData):
    """An open action put off: its due time becomes at least `until`.

    `action` and `due_at` name the action snoozed and the due time it had before. The server
    fills them in (the next action when the step was recorded, or the action a snooze link
    names), so a later, new action is never snoozed by it; a client sends only `until`.
    """

    event_type = "reminder_snoozed"
    until: Timestamp
    action: Action | None = None
    due_at: Timestamp | None = None


class ReminderSent(EventData):
    """The sweep emailed a reminder for this (action, due time): never send it again."""

    event_type = "reminder_sent"
    client_may_record = False
    action: Action
    due_at: Timestamp
    message_id: Short | None = None


class ContactErased(EventData):
    """A tombstone: the contact's personal data was removed from every earlier event."""

    event_type = "contact_erased"
    client_may_record = False


EVENT_TYPES: dict[str, type[EventData]] = {
    cls.event_type: cls
    for cls in (
        ContactAdded,
        ContactUpdated,
        IntroductionRequested,
        OutreachSent,
        FollowUpSent,
        ReplyReceived,
        InterviewScheduled,
        InterviewRescheduled,
        InterviewCancelled,
        ResearchNoted,
        QuestionsPrepared,
        InterviewCompleted,
        ThankYouSent,
        LinkedinConnected,
        ReflectionRecorded,
        ContactArchived,
        StepRetracted,
        ContactReopened,
        ReminderSnoozed,
        ReminderSent,
        ContactErased,
    )
}

CLIENT_EVENT_TYPES: dict[str, type[EventData]] = {
    name: cls for name, cls in EVENT_TYPES.items() if cls.client_may_record
}


def redacted(data: dict[str, Any], event_type: str) -> dict[str, Any]:
    """The event's data with every personal field removed, for erasure."""
    personal = EVENT_TYPES[event_type].PERSONAL
    return {key: value for key, value in data.items() if key not in personal}
