"""What one reminder email says: the due steps of one user, with the context each step needs.

Pure data. The sweep fills these from the read models; rendering reads nothing else, so an email
can be previewed or tested without AWS.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from chalicelib.domain.types import Email, Timestamp, is_time_zone
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
        return self.starts_at + timedelta(minutes=self.duration_minutes)


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
