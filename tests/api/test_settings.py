"""`GET|PUT /me/settings`: the guide's defaults with the token's email, partial updates that
merge, refusals that name the field and save nothing, and settings that move the next action."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, body_of

DEFAULTS = {
    "email": "ada@example.com",
    "timezone": "UTC",
    "reminder_hour": 9,
    "reminders_enabled": True,
    "follow_up_after_business_days": 7,
    "max_follow_ups": 1,
    "pending_email": None,
}

BAD_SETTINGS: dict[str, tuple[dict[str, Any], str]] = {
    "a timezone that does not exist": ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    "a UTC offset instead of a timezone": ({"timezone": "+05:00"}, "timezone"),
    "reminder_hour 24": ({"reminder_hour": 24}, "reminder_hour"),
    "reminder_hour -1": ({"reminder_hour": -1}, "reminder_hour"),
    "reminder_hour as a string": ({"reminder_hour": "9"}, "reminder_hour"),
    "reminders_enabled as a string": ({"reminders_enabled": "yes"}, "reminders_enabled"),
    "reminders_enabled as a number": ({"reminders_enabled": 1}, "reminders_enabled"),
    "no business days to wait": (
        {"follow_up_after_business_days": 0},
        "follow_up_after_business_days",
    ),
    "six follow-ups": ({"max_follow_ups": 6}, "max_follow_ups"),
    "an email that is not an address": ({"email": "ada"}, "email"),
    "an unknown setting": ({"theme": "dark"}, "theme"),
}


def _settings(api: Api, token: str) -> dict[str, Any]:
    response = api.call("GET", "/me/settings", token=token)
    assert response.status_code == 200
    return dict(body_of(response))


def _put(api: Api, token: str, body: dict[str, Any]) -> Any:
    return api.call("PUT", "/me/settings", body, token=token)


def test_a_new_user_gets_the_defaults_with_the_email_of_their_token(api: Api) -> None:
    assert _settings(api, api.token()) == DEFAULTS


def test_a_put_of_some_settings_keeps_the_others(api: Api) -> None:
    token = api.token()
    first = _put(api, token, {"timezone": "America/New_York", "max_follow_ups": 2})
    assert first.status_code == 200
    second = _put(api, token, {"reminder_hour": 8, "email": "ada.park@example.com"})

    # A new address waits for the link emailed to it (tests/api/test_settings_email.py).
    expected = DEFAULTS | {
        "timezone": "America/New_York",
        "max_follow_ups": 2,
        "reminder_hour": 8,
        "pending_email": "ada.park@example.com",
    }
    assert body_of(second) == expected
    assert _settings(api, token) == expected


def test_settings_are_each_users_own(api: Api) -> None:
    assert _put(api, api.token(), {"reminder_hour": 7}).status_code == 200

    assert _settings(api, api.token(user="bo")) == DEFAULTS | {"email": "bo@example.com"}
    assert _settings(api, api.token(tenant="globex")) == DEFAULTS


@pytest.mark.parametrize(("body", "field"), BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys())
def test_a_bad_setting_is_refused_by_name_and_nothing_is_saved(
    api: Api, body: dict[str, Any], field: str
) -> None:
    token = api.token()
    assert _put(api, token, {"reminder_hour": 7}).status_code == 200

    response = _put(api, token, {"timezone": "Europe/Paris", **body})

    assert response.status_code == 400
    error = body_of(response)["error"]
    assert error["code"] == "validation_error"
    assert [problem["field"] for problem in error["fields"]] == [field]
    assert _settings(api, token) == DEFAULTS | {"reminder_hour": 7}


def test_a_settings_body_that_is_not_a_json_object_is_refused(api: Api) -> None:
    response = api.call("PUT", "/me/settings", token=api.token(), raw=b"[1]")
    assert response.status_code == 400
    assert body_of(response)["error"]["code"] == "malformed_json"


def test_the_follow_up_is_due_by_the_users_own_calendar(api: Api) -> None:
    token = api.token()
    contact = body_of(api.call("POST", "/contacts", {"name": "Ada Park"}, token=token))
    path = f"/contacts/{contact['contact_id']}"
    sent = api.call("POST", f"{path}/events", {"type": "outreach_sent"}, token=token)
    assert body_of(sent)["contact"]["next_action"] == {
        "action": "follow_up",
        "due_at": "2026-12-07T14:00:00Z",  # Thursday 26 November + 7 business days
    }

    changed = {"timezone": "America/New_York", "follow_up_after_business_days": 3}
    assert _put(api, token, changed).status_code == 200

    # 09:00 in New York on Thursday; three weekdays later is Tuesday, still at 09:00 there.
    assert body_of(api.call("GET", path, token=token))["next_action"] == {
        "action": "follow_up",
        "due_at": "2026-12-01T14:00:00Z",
    }
