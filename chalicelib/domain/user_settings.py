"""A user's reminder settings, with the defaults the guide suggests."""

from __future__ import annotations

from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from chalicelib.domain.events import Email


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA timezone like America/New_York") from None
    if value not in _known_zones():
        raise ValueError("must be an IANA timezone like America/New_York")
    return value


class UserSettings(BaseModel):
    """Where and when reminders go, and how patient follow-ups are."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: Email | None = None
    timezone: Annotated[str, AfterValidator(_timezone)] = "UTC"
    reminder_hour: Annotated[int, Field(ge=0, le=23)] = 9
    reminders_enabled: bool = True
    follow_up_after_business_days: Annotated[int, Field(ge=1, le=30)] = 7
    max_follow_ups: Annotated[int, Field(ge=0, le=5)] = 1
