"""Event data is checked at the door: types, lengths, required and unknown fields."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain import events as ev
from tests.domain.event_samples import MINIMAL, of_length, rejected_field, validate


def test_every_event_type_has_a_minimal_example() -> None:
    assert set(MINIMAL) == set(ev.EVENT_TYPES)


@pytest.mark.parametrize("event_type", sorted(MINIMAL))
def test_the_minimal_data_is_valid_and_survives_storage(event_type: str) -> None:
    data = validate(event_type)

    assert type(data).model_validate(data.to_data()) == data
    assert data.event_type == event_type


@pytest.mark.parametrize("event_type", sorted(MINIMAL))
def test_an_unknown_field_is_refused(event_type: str) -> None:
    assert rejected_field(event_type, nickname="Ada") == ("nickname",)


WRONG_TYPES = [
    ("contact_added", "name", 42),
    ("contact_added", "name", ["Ada"]),
    ("contact_added", "email", 42),
    ("contact_added", "source", "a friend"),
    ("contact_added", "notes", {"text": "hi"}),
    ("contact_updated", "company", 7),
    ("outreach_sent", "channel", "fax"),
    ("outreach_sent", "message", 3.5),
    ("follow_up_sent", "channel", "pigeon"),
    ("reply_received", "outcome", "maybe"),
    ("reply_received", "outcome", True),
    ("interview_scheduled", "starts_at", "tomorrow afternoon"),
    ("interview_scheduled", "starts_at", [2026, 3, 12]),
    ("interview_scheduled", "duration_minutes", "half an hour"),
    ("interview_scheduled", "duration_minutes", 30.5),
    ("interview_scheduled", "location", 12),
    ("interview_rescheduled", "starts_at", None),
    ("research_noted", "subject", "hobbies"),
    ("research_noted", "text", None),
    ("questions_prepared", "questions", "What surprised you?"),
    ("questions_prepared", "questions", [1, 2]),
    ("interview_completed", "duration_minutes", "long"),
    ("thank_you_sent", "channel", "carrier pigeon"),
    ("linkedin_connected", "profile_url", 5),
    ("reflection_recorded", "lessons", ["a", "b"]),
    ("contact_archived", "reason", 1),
    ("reminder_sent", "action", "celebrate"),
    ("step_retracted", "reason", 3),
    ("contact_reopened", "reason", ["a"]),
    ("reminder_snoozed", "until", "in three days"),
    ("reminder_snoozed", "action", "nap"),
]


@pytest.mark.parametrize(
    ("event_type", "field", "value"),
    WRONG_TYPES,
    ids=[f"{t}.{f}={v!r}" for t, f, v in WRONG_TYPES],
)
def test_a_value_of_the_wrong_type_is_refused_and_named(
    event_type: str, field: str, value: Any
) -> None:
    assert rejected_field(event_type, **{field: value})[0] == field


LIMITS = [
    ("contact_added", "name", 200),
    ("contact_added", "email", 320),
    ("contact_added", "company", 200),
    ("contact_added", "role", 200),
    ("contact_added", "linkedin_url", 500),
    ("contact_added", "introduced_by", 200),
    ("contact_added", "notes", 10_000),
    ("contact_updated", "notes", 10_000),
    ("introduction_requested", "via", 200),
    ("outreach_sent", "message", 5_000),
    ("follow_up_sent", "message", 5_000),
    ("interview_scheduled", "location", 200),
    ("interview_cancelled", "reason", 5_000),
    ("research_noted", "text", 5_000),
    ("interview_completed", "notes", 10_000),
    ("linkedin_connected", "profile_url", 500),
    ("reflection_recorded", "career_path", 10_000),
    ("reflection_recorded", "obstacles", 10_000),
    ("reflection_recorded", "lessons", 10_000),
    ("contact_archived", "reason", 5_000),
]


@pytest.mark.parametrize(
    ("event_type", "field", "limit"), LIMITS, ids=[f"{t}.{f}" for t, f, _ in LIMITS]
)
def test_a_text_may_reach_its_limit_but_not_pass_it(
    event_type: str, field: str, limit: int
) -> None:
    validate(event_type, **{field: of_length(field, limit)})

    assert rejected_field(event_type, **{field: of_length(field, limit + 1)}) == (field,)


REQUIRED = [
    ("contact_added", "name"),
    ("reply_received", "outcome"),
    ("interview_scheduled", "starts_at"),
    ("interview_rescheduled", "starts_at"),
    ("research_noted", "subject"),
    ("research_noted", "text"),
    ("questions_prepared", "questions"),
    ("reminder_sent", "action"),
    ("reminder_sent", "due_at"),
]


@pytest.mark.parametrize(("event_type", "field"), REQUIRED, ids=[f"{t}.{f}" for t, f in REQUIRED])
def test_a_missing_required_field_is_named(event_type: str, field: str) -> None:
    data = {k: v for k, v in MINIMAL[event_type].items() if k != field}

    with pytest.raises(ValidationError) as error:
        ev.EVENT_TYPES[event_type].model_validate(data)

    assert error.value.errors()[0]["loc"] == (field,)
