"""A user's reminder settings, with the defaults the guide suggests."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.types import Email, TimeZoneName


class UserSettings(BaseModel):
    """Where and when reminders go, and how patient follow-ups are."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email | None = None
    timezone: TimeZoneName = "UTC"
    reminder_hour: Annotated[int, Field(ge=0, le=23)] = 9
    reminders_enabled: bool = True
    follow_up_after_business_days: Annotated[int, Field(ge=1, le=30)] = 7
    max_follow_ups: Annotated[int, Field(ge=0, le=5)] = 1
