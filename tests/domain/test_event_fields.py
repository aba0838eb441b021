"""The rules of particular fields: formats, ranges, counts, and what an event must say."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain import events as ev
from tests.domain.event_samples import WHEN, rejected_field, validate


@pytest.mark.parametrize("name", ["", "   "])
def test_a_blank_name_is_refused(name: str) -> None:
    assert rejected_field("contact_added", name=name) == ("name",)


def test_surrounding_whitespace_is_trimmed() -> None:
    data = validate("contact_added", name="  Ada Park  ", company=" Acme ")

    assert isinstance(data, ev.ContactAdded)
    assert (data.name, data.company) == ("Ada Park", "Acme")


@pytest.mark.parametrize(
    "email", ["ada", "ada@", "@example.com", "ada@example", "ada park@example.com", "a@b@c.d"]
)
def test_an_email_must_look_like_one(email: str) -> None:
    assert rejected_field("contact_added", email=email) == ("email",)


@pytest.mark.parametrize("email", ["ada@example.com", "ada.park+rapport@mail.example.co.uk"])
def test_ordinary_emails_are_accepted(email: str) -> None:
    validate("contact_added", email=email)


@pytest.mark.parametrize(
    "url",
    [
        "http://linkedin.com/in/ada",
        "ftp://linkedin.com/in/ada",
        "javascript:alert(1)",
        "https://",
        "linkedin.com/in/ada",
        "",
    ],
)
@pytest.mark.parametrize(
    ("event_type", "field"),
    [
        ("contact_added", "linkedin_url"),
        ("contact_updated", "linkedin_url"),
        ("linkedin_connected", "profile_url"),
    ],
)
def test_linkedin_addresses_must_be_https(event_type: str, field: str, url: str) -> None:
    assert rejected_field(event_type, **{field: url}) == (field,)


@pytest.mark.parametrize(
    "event_type", ["interview_scheduled", "interview_rescheduled", "interview_completed"]
)
def test_an_interview_lasts_from_five_to_two_hundred_forty_minutes(event_type: str) -> None:
    validate(event_type, duration_minutes=5)
    validate(event_type, duration_minutes=240)

    for minutes in (4, 241, 0, -30):
        assert rejected_field(event_type, duration_minutes=minutes) == ("duration_minutes",)


def test_a_scheduled_interview_lasts_thirty_minutes_unless_told() -> None:
    data = validate("interview_scheduled")

    assert isinstance(data, ev.InterviewScheduled)
    assert data.duration_minutes == 30


@pytest.mark.parametrize("count", [1, 50])
def test_one_to_fifty_questions_are_accepted(count: int) -> None:
    validate("questions_prepared", questions=[f"Question {i}?" for i in range(count)])


@pytest.mark.parametrize("count", [0, 51])
def test_no_questions_or_more_than_fifty_are_refused(count: int) -> None:
    questions = [f"Question {i}?" for i in range(count)]

    assert rejected_field("questions_prepared", questions=questions) == ("questions",)


@pytest.mark.parametrize("question", ["", "   ", "q" * 501])
def test_each_question_has_one_to_five_hundred_characters(question: str) -> None:
    location = rejected_field("questions_prepared", questions=["Fine?", question])

    assert location == ("questions", 1)


@pytest.mark.parametrize(
    "data",
    [{}, {"lessons": None}, {"career_path": "", "obstacles": "   "}],
    ids=["nothing", "only-null", "only-blank"],
)
def test_a_reflection_must_say_something(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="at least one"):
        ev.ReflectionRecorded.model_validate(data)


@pytest.mark.parametrize("field", ["career_path", "obstacles", "lessons"])
def test_any_one_reflection_field_is_enough(field: str) -> None:
    ev.ReflectionRecorded.model_validate({field: "Something learned."})


def test_a_contact_update_must_change_something() -> None:
    with pytest.raises(ValidationError, match="at least one"):
        ev.ContactUpdated.model_validate({})


def test_a_contact_update_may_clear_an_optional_detail() -> None:
    data = ev.ContactUpdated.model_validate({"email": None})

    assert data.to_data() == {"email": None}


@pytest.mark.parametrize("field", ["name", "source"])
def test_a_contact_update_cannot_clear_a_required_detail(field: str) -> None:
    # A contact always has a name (1-200 characters) and a source; `null` is ill-typed (400).
    with pytest.raises(ValidationError):
        ev.ContactUpdated.model_validate({field: None})


@pytest.mark.parametrize(
    ("event_type", "field"),
    [
        ("interview_scheduled", "starts_at"),
        ("interview_rescheduled", "starts_at"),
        ("reminder_sent", "due_at"),
    ],
)
@pytest.mark.parametrize("naive", ["2026-03-12T15:00:00", datetime(2026, 3, 12, 15, 0)])
def test_a_time_without_an_offset_is_refused(
    event_type: str, field: str, naive: str | datetime
) -> None:
    assert rejected_field(event_type, **{field: naive}) == (field,)


def test_a_time_with_any_offset_is_kept_as_the_same_instant() -> None:
    data = validate("interview_scheduled", starts_at="2026-03-12T10:00:00-05:00")

    assert isinstance(data, ev.InterviewScheduled)
    assert data.starts_at == datetime.fromisoformat(WHEN)
