"""What one reminder email says: the due steps of one user, with the context each step needs,
and how a user's digest is built from folded contacts.

Pure data. The sweep fills these from fresh folds; rendering reads nothing else, so an email
can be previewed or tested without AWS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from chalicelib.domain.agenda import PlannedAction
from chalicelib.domain.moments import shifted
from chalicelib.domain.state import ContactState
from chalicelib.domain.types import Email, Timestamp, is_time_zone
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, Channel, ResearchSubject


def _iana_timezone(value: str) -> str:
    # The settings' rule (`TimeZoneName`); the sweep fills digests from saved settings, so a
    # refusal here is a bug, and its message names the value rather than advising a person.
    if not is_time_zone(value):
        raise ValueError(f"unknown IANA timezone {value!r}")
    return value


def _base_url(value: str) -> str:
    # Links are built as f"{base}/…"; a trailing slash would double up.
    return value.rstrip("/")


Timezone = Annotated[str, AfterValidator(_iana_timezone)]
BaseUrl = Annotated[str, Field(min_length=1), AfterValidator(_base_url)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InterviewDetails(_Frozen):
    """When and where the conversation is, as agreed with the professional."""

    starts_at: Timestamp
    duration_minutes: int = Field(default=30, ge=1)
    location: str | None = None

    @property
    def ends_at(self) -> datetime:
        # Saturates, as the agenda does: an interview stored at the end of time still shows.
        return shifted(self.starts_at, timedelta(minutes=self.duration_minutes))


class ResearchNote(_Frozen):
    subject: ResearchSubject
    text: str


class ReminderItem(_Frozen):
    """One due step for one contact. Optional fields are context that makes the email useful."""

    contact_id: str = Field(min_length=1)
    contact_name: str = Field(min_length=1)
    action: Action
    due_at: Timestamp
    company: str | None = None
    role: str | None = None
    introduced_by: str | None = None
    interview: InterviewDetails | None = None
    questions: tuple[str, ...] = ()
    research: tuple[ResearchNote, ...] = ()
    follow_ups_sent: int = Field(default=0, ge=0)
    max_follow_ups: int | None = Field(default=None, ge=0)
    # The domain counts business days (weekends skipped); the email only reports the number.
    business_days_waited: int | None = Field(default=None, ge=0)
    last_outreach_at: Timestamp | None = None
    channel: Channel | None = None
    # The signed one-click link that puts this step off 3 days (`service.snooze_links`).
    snooze_url: str | None = Field(default=None, min_length=1)
    # The contact's version: the `.ics` invite's SEQUENCE, as in the calendar feed, so a
    # calendar holding both keeps the newer.
    version: int = Field(default=0, ge=0)


class Digest(_Frozen):
    """Everything due for one user in one sweep: one email, however many steps."""

    user_id: str = Field(min_length=1)
    tenant_id: str = Field(min_length=1)
    to_email: Email
    timezone: Timezone
    items: tuple[ReminderItem, ...] = Field(min_length=1)
    app_base_url: BaseUrl
    unsubscribe_url: str = Field(min_length=1)
    generated_at: Timestamp
    # `reply+<token>@…` when the email interface is on: the email then says how to answer it.
    reply_address: str | None = None


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
    state: ContactState,
    planned: PlannedAction,
    settings: UserSettings,
    snooze_url: str | None = None,
) -> ReminderItem:
    """One step of the digest, with the contact's context (questions, research, interview)
    and, when given, the link that snoozes it."""
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
        snooze_url=snooze_url,
        version=state.version,
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
