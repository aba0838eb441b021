"""Builds a user's digest from folded contacts: what each email item needs to be useful."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.agenda import PlannedAction
from chalicelib.domain.state import ContactState
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action
from chalicelib.reminders.digest import Digest, InterviewDetails, ReminderItem, ResearchNote

# Steps whose due time is "N business days after the last outreach (or introduction request)".
_WAITED = frozenset({Action.FOLLOW_UP, Action.MOVE_ON})


@dataclass(frozen=True)
class Recipient:
    """Who a digest goes to and how it links back."""

    tenant_id: str
    user_id: str
    settings: UserSettings
    app_base_url: str
    unsubscribe_url: str


def reminder_item(
    state: ContactState, planned: PlannedAction, settings: UserSettings
) -> ReminderItem:
    """One step of the digest, with the contact's context (questions, research, interview)."""
    interview = state.interview
    waited = planned.action in _WAITED or (
        planned.action is Action.REACH_OUT and state.intro_requested_at is not None
    )
    return ReminderItem(
        contact_id=state.contact_id,
        contact_name=state.name or "your contact",
        action=planned.action,
        due_at=planned.due_at,
        company=state.company,
        role=state.role,
        introduced_by=state.introduced_by,
        interview=(
            InterviewDetails(
                starts_at=interview.starts_at,
                duration_minutes=interview.duration_minutes,
                location=interview.location,
            )
            if interview is not None
            else None
        ),
        questions=state.questions,
        research=tuple(ResearchNote(subject=n.subject, text=n.text) for n in state.research),
        follow_ups_sent=state.follow_ups_sent,
        max_follow_ups=settings.max_follow_ups,
        business_days_waited=settings.follow_up_after_business_days if waited else None,
        last_outreach_at=state.last_outreach_at,
    )


def digest(recipient: Recipient, items: Sequence[ReminderItem], now: datetime) -> Digest:
    """One email for everything due for the user now, earliest step first."""
    assert recipient.settings.email is not None
    return Digest(
        user_id=recipient.user_id,
        tenant_id=recipient.tenant_id,
        to_email=recipient.settings.email,
        timezone=recipient.settings.timezone,
        items=tuple(sorted(items, key=lambda item: (item.due_at, item.contact_name))),
        app_base_url=recipient.app_base_url,
        unsubscribe_url=recipient.unsubscribe_url,
        generated_at=now,
    )
