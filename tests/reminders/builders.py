"""Digests as the sweep would build them, with every field a test does not care about filled in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.vocabulary import Action
from chalicelib.reminders.digest import Digest, InterviewDetails, ReminderItem, ResearchNote

APP = "https://app.rapport.example"
UNSUBSCRIBE = "https://api.rapport.example/unsubscribe?token=v1.abc.def"
# Thursday 3 December 2026, 23:00 UTC: Friday 08:00 in Tokyo, Thursday 15:00 in Los Angeles.
GENERATED_AT = datetime(2026, 12, 3, 23, 0, tzinfo=UTC)
# Friday 4 December 2026, 06:00 UTC: 15:00 in Tokyo (today), Thursday 22:00 in Los Angeles.
INTERVIEW_AT = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)


def reminder_item(action: Action = Action.FOLLOW_UP, **overrides: Any) -> ReminderItem:
    fields: dict[str, Any] = {
        "contact_id": "c-ada",
        "contact_name": "Ada Park",
        "company": "Acme",
        "role": "Staff Engineer",
        "action": action,
        "due_at": GENERATED_AT,
        "interview": InterviewDetails(starts_at=INTERVIEW_AT, duration_minutes=30, location="Zoom"),
        "questions": ("How did you move from research into product?",),
        "research": (ResearchNote(subject="company", text="Acme ships payment APIs."),),
        "business_days_waited": 7,
        "last_outreach_at": datetime(2026, 11, 24, 15, 0, tzinfo=UTC),
        "channel": "email",
        "follow_ups_sent": 1 if action == Action.MOVE_ON else 0,
        "max_follow_ups": 1,
    }
    fields.update(overrides)
    return ReminderItem(**fields)


def digest(*items: ReminderItem, **overrides: Any) -> Digest:
    fields: dict[str, Any] = {
        "user_id": "u-1",
        "tenant_id": "t-1",
        "to_email": "student@example.edu",
        "timezone": "Asia/Tokyo",
        "items": items or (reminder_item(),),
        "app_base_url": APP,
        "unsubscribe_url": UNSUBSCRIBE,
        "generated_at": GENERATED_AT,
    }
    fields.update(overrides)
    return Digest(**fields)
