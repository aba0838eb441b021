"""`allowed_steps` over HTTP: in every status, each type listed is accepted (201) and each type
not listed is refused (422) with nothing written, so the list and the rules cannot disagree.

Each accepted step is undone at once with `step_retracted` (itself a listed step), which also
shows that undo returns the contact to exactly what it was.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain.events import CLIENT_EVENT_TYPES
from tests.api.conftest import Api, body_of
from tests.api.test_walkthrough import (
    EVERY,
    STEP_BODIES,
    _assert_refused,
    _contact_with,
    _path_to,
    _post_step,
)

# A valid body for every client step, the corrections included.
BODIES: dict[str, dict[str, Any]] = {
    **STEP_BODIES,
    "step_retracted": {"reason": "Logged by mistake"},
    "contact_reopened": {"reason": "They wrote back"},
}


def _body(api: Api, name: str) -> dict[str, Any]:
    if name == "reminder_snoozed":
        until = api.clock.now() + timedelta(days=3)
        return {"type": name, "until": until.isoformat()}
    return {"type": name, **BODIES[name]}


def _contact(api: Api, token: str, contact_id: str) -> dict[str, Any]:
    response = api.call("GET", f"/contacts/{contact_id}", token=token)
    assert response.status_code == 200
    return dict(body_of(response))


def _without_history(contact: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in contact.items() if k not in ("version", "updated_at")}


def test_every_client_step_has_a_body() -> None:
    assert set(BODIES) | {"reminder_snoozed"} == set(CLIENT_EVENT_TYPES)


@pytest.mark.parametrize("status", sorted(EVERY))
def test_each_listed_step_is_accepted_and_each_other_refused(api: Api, status: str) -> None:
    token = api.token()
    contact_id = _contact_with(api, token, _path_to(status))
    api.clock.advance(timedelta(hours=1))
    before = _contact(api, token, contact_id)
    listed = before["allowed_steps"]
    assert before["status"] == status
    assert "contact_updated" in listed or status == "archived"

    for name in sorted(set(CLIENT_EVENT_TYPES) - set(listed)):
        _assert_refused(api, token, contact_id, _body(api, name))
    for name in [n for n in listed if n != "step_retracted"]:
        response = _post_step(api, token, contact_id, _body(api, name))
        assert response.status_code == 201, (name, body_of(response))
        undone = _post_step(api, token, contact_id, _body(api, "step_retracted"))
        assert undone.status_code == 201, (name, body_of(undone))
        assert _without_history(_contact(api, token, contact_id)) == _without_history(before)

    # Every path but the one to `identified` recorded a step after contact_added to undo.
    assert ("step_retracted" in listed) is (status != "identified")
    if status != "identified":
        response = _post_step(api, token, contact_id, _body(api, "step_retracted"))
        assert response.status_code == 201, body_of(response)


def test_a_new_contact_lists_no_undo_and_refuses_one(api: Api) -> None:
    token = api.token()
    contact_id = _contact_with(api, token, [])

    assert "step_retracted" not in _contact(api, token, contact_id)["allowed_steps"]
    _assert_refused(api, token, contact_id, _body(api, "step_retracted"))


def test_the_events_list_marks_what_was_undone(api: Api) -> None:
    token = api.token()
    contact_id = _contact_with(api, token, [{"type": "outreach_sent"}])
    _post_step(api, token, contact_id, _body(api, "step_retracted"))

    events = body_of(api.call("GET", f"/contacts/{contact_id}/events", token=token))["items"]

    assert [(e["type"], e["retracted"]) for e in events] == [
        ("contact_added", False),
        ("outreach_sent", True),
        ("step_retracted", False),
    ]
    assert _contact(api, token, contact_id)["status"] == "identified"


def test_a_second_follow_up_is_refused_by_the_setting_and_allowed_once_raised(api: Api) -> None:
    token = api.token()
    contact_id = _contact_with(api, token, [{"type": "outreach_sent"}, {"type": "follow_up_sent"}])
    assert "follow_up_sent" not in _contact(api, token, contact_id)["allowed_steps"]

    refused = _post_step(api, token, contact_id, {"type": "follow_up_sent"})
    assert refused.status_code == 422
    assert "max_follow_ups" in body_of(refused)["error"]["message"]
    saved = api.call("PUT", "/me/settings", {"max_follow_ups": 2}, token=token)
    assert saved.status_code == 200
    assert "follow_up_sent" in _contact(api, token, contact_id)["allowed_steps"]
    assert _post_step(api, token, contact_id, {"type": "follow_up_sent"}).status_code == 201


def test_an_interview_cannot_be_logged_before_it_starts(api: Api) -> None:
    token = api.token()
    starts = api.clock.now() + timedelta(days=2)
    contact_id = _contact_with(
        api, token, [{"type": "interview_scheduled", "starts_at": starts.isoformat()}]
    )
    assert "interview_completed" not in _contact(api, token, contact_id)["allowed_steps"]

    refused = _post_step(api, token, contact_id, {"type": "interview_completed"})
    assert refused.status_code == 422
    assert "log it after it happened, or reschedule it" in body_of(refused)["error"]["message"]
    api.clock.advance(timedelta(days=2, minutes=1))
    assert "interview_completed" in _contact(api, api.token(), contact_id)["allowed_steps"]


@pytest.mark.parametrize(
    ("until", "ok"),
    [
        (timedelta(minutes=59), False),
        (timedelta(hours=1), True),
        (timedelta(days=90), True),
        (timedelta(days=90, seconds=1), False),
        (timedelta(hours=-2), False),
    ],
)
def test_a_snooze_is_1_hour_to_90_days_ahead(api: Api, until: timedelta, ok: bool) -> None:
    token = api.token()
    contact_id = _contact_with(api, token, [])
    when = (api.clock.now() + until).isoformat()

    response = _post_step(api, token, contact_id, {"type": "reminder_snoozed", "until": when})

    if ok:
        assert response.status_code == 201, body_of(response)
        assert body_of(response)["contact"]["next_action"]["due_at"] == (
            (api.clock.now() + until).strftime("%Y-%m-%dT%H:%M:%SZ")
        )
    else:
        assert response.status_code == 400
        assert [f["field"] for f in body_of(response)["error"]["fields"]] == ["until"]


def test_a_client_cannot_choose_what_a_snooze_puts_off(api: Api) -> None:
    token = api.token()
    contact_id = _contact_with(api, token, [])
    until = (api.clock.now() + timedelta(days=3)).isoformat()

    response = _post_step(
        api,
        token,
        contact_id,
        {"type": "reminder_snoozed", "until": until, "action": "send_thank_you"},
    )

    assert response.status_code == 400
    assert [f["field"] for f in body_of(response)["error"]["fields"]] == ["action"]
