"""A user's reminder settings: the guide's defaults, and the ranges API.md allows."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.user_settings import UserSettings


def test_the_defaults_follow_the_guide() -> None:
    settings = UserSettings()

    assert settings.model_dump() == {
        "email": None,
        "timezone": "UTC",
        "reminder_hour": 9,
        "reminders_enabled": True,
        "follow_up_after_business_days": 7,
        "max_follow_ups": 1,
    }


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo", "Europe/Berlin", "UTC"])
def test_iana_timezones_are_accepted(zone: str) -> None:
    assert UserSettings(timezone=zone).timezone == zone


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "", "EST5EDT-ish", "../../etc/passwd", "/etc/localtime"]
)
def test_anything_else_is_not_a_timezone(zone: str) -> None:
    with pytest.raises(ValidationError, match="IANA timezone"):
        UserSettings(timezone=zone)


BAD: list[tuple[str, Any]] = [
    ("reminder_hour", -1),
    ("reminder_hour", 24),
    ("follow_up_after_business_days", 0),
    ("follow_up_after_business_days", 31),
    ("max_follow_ups", -1),
    ("max_follow_ups", 6),
    ("email", "not-an-email"),
    ("reminders_enabled", "sometimes"),
    ("nickname", "Ada"),
]


@pytest.mark.parametrize(("field", "value"), BAD, ids=[f"{f}={v!r}" for f, v in BAD])
def test_out_of_range_or_unknown_settings_are_refused(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as error:
        UserSettings.model_validate({field: value})

    assert error.value.errors()[0]["loc"] == (field,)


def test_the_edges_of_each_range_are_allowed() -> None:
    UserSettings(reminder_hour=0, follow_up_after_business_days=1, max_follow_ups=0)
    UserSettings(reminder_hour=23, follow_up_after_business_days=30, max_follow_ups=5)
