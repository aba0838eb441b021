"""Minimal valid data for every event type, and helpers that spoil one field of it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain import events as ev

WHEN = "2026-03-12T15:00:00Z"

# The least each event needs to be valid; each case below spoils one field of it.
MINIMAL: dict[str, dict[str, Any]] = {
    "contact_added": {"name": "Ada Park"},
    "contact_updated": {"company": "Globex"},
    "introduction_requested": {},
    "outreach_sent": {},
    "follow_up_sent": {},
    "reply_received": {"outcome": "accepted"},
    "interview_scheduled": {"starts_at": WHEN},
    "interview_rescheduled": {"starts_at": WHEN},
    "interview_cancelled": {},
    "research_noted": {"subject": "person", "text": "Led the payments team."},
    "questions_prepared": {"questions": ["What surprised you?"]},
    "interview_completed": {},
    "thank_you_sent": {},
    "linkedin_connected": {},
    "reflection_recorded": {"lessons": "Prepare fewer questions."},
    "contact_archived": {},
    "step_retracted": {},
    "contact_reopened": {},
    "reminder_snoozed": {"until": WHEN},
    "reminder_sent": {"action": "follow_up", "due_at": WHEN},
    "contact_erased": {},
}


def validate(event_type: str, **changes: Any) -> ev.EventData:
    data = {**MINIMAL[event_type], **changes}
    return ev.EVENT_TYPES[event_type].model_validate(data)


def rejected_field(event_type: str, **changes: Any) -> tuple[Any, ...]:
    """The location of the (first) error the changes cause."""
    with pytest.raises(ValidationError) as error:
        validate(event_type, **changes)
    return error.value.errors()[0]["loc"]


def of_length(field: str, length: int) -> str:
    """A valid value of exactly `length` characters for a text, email or URL field."""
    if "email" in field:
        # At most 64 for the local part and 63 for each label of the domain (the Email rule).
        local = "a" * min(64, length - len("@example.com"))
        return f"{local}@{_domain_of_length(length - len(local) - 1)}"
    if "url" in field:
        return "https://example.com/" + "p" * (length - len("https://example.com/"))
    return "x" * length


def _domain_of_length(length: int) -> str:
    """A host name of exactly `length` characters: labels of at most 63, then `com`."""
    labels: list[str] = []
    rest = length - len("com")
    while rest > 0:
        size = min(63, rest - 1)
        if rest - (size + 1) == 1:  # a label needs a character besides its dot
            size -= 1
        labels.append("b" * size)
        rest -= size + 1
    return ".".join([*labels, "com"])
