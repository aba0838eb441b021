"""One contact through the guide's five steps over HTTP, and every step tried where it does not fit.

The clock starts on Thursday 26 November 2026, 14:00 UTC, and moves the way a student's weeks
would: outreach, a follow-up after the quiet week, a reply, an interview the week after, and
the thank-you, LinkedIn and reflection in the days that follow. The user keeps the default
settings (UTC, follow up after 7 business days, at most one follow-up).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain.events import CLIENT_EVENT_TYPES
from tests.api.conftest import Api, body_of

# Each walkthrough step: the clock moves, the step is posted, and the contact must then show
# this status and this next action (None when nothing is left to do).
WALK: list[tuple[timedelta, dict[str, Any], str, tuple[str, str] | None]] = [
    (
        timedelta(hours=1),  # Thu 26 Nov 15:00: the first email goes out
        {"type": "outreach_sent", "channel": "email", "message": "Could we talk for 20 minutes?"},
        "reaching_out",
        ("follow_up", "2026-12-07T15:00:00Z"),  # 7 business days later, same hour
    ),
    (
        timedelta(days=11, hours=1),  # Mon 7 Dec 16:00: no answer, a friendly nudge
        {"type": "follow_up_sent", "channel": "linkedin"},
        "reaching_out",
        ("move_on", "2026-12-16T16:00:00Z"),  # the one follow-up is used: then move on
    ),
    (
        timedelta(days=1),  # Tue 8 Dec 16:00: they say yes
        {"type": "reply_received", "outcome": "accepted"},
        "reaching_out",
        ("schedule_interview", "2026-12-08T16:00:00Z"),
    ),
    (
        timedelta(hours=1),  # Tue 8 Dec 17:00: a Zoom call next Tuesday at 15:00
        {
            "type": "interview_scheduled",
            "starts_at": "2026-12-15T10:00:00-05:00",
            "duration_minutes": 30,
            "location": "Zoom",
        },
        "scheduled",
        ("prepare_questions", "2026-12-13T15:00:00Z"),  # 48 h before it starts
    ),
    (
        timedelta(days=2),  # Thu 10 Dec: reading about the company
        {"type": "research_noted", "subject": "company", "text": "Acme builds payment rails."},
        "scheduled",
        ("prepare_questions", "2026-12-13T15:00:00Z"),
    ),
    (
        timedelta(days=3),  # Sun 13 Dec 17:00: questions written
        {"type": "questions_prepared", "questions": ["How did you start?", "What surprised you?"]},
        "scheduled",
        ("attend_interview", "2026-12-15T15:00:00Z"),
    ),
    (
        timedelta(days=2),  # Tue 15 Dec 17:00, the call ended at 15:30 and is logged now
        {"type": "interview_completed", "notes": "Talked about moving from QA to platform work."},
        "interviewed",
        ("send_thank_you", "2026-12-15T15:30:00Z"),  # due from the moment it ended
    ),
    (
        timedelta(hours=2),  # Tue 15 Dec 19:00
        {"type": "thank_you_sent", "channel": "email"},
        "followed_up",
        ("reflect", "2026-12-17T15:30:00Z"),  # 2 days after the interview, before LinkedIn
    ),
    (
        timedelta(hours=14),  # Wed 16 Dec 09:00
        {"type": "linkedin_connected", "profile_url": "https://www.linkedin.com/in/ada-park"},
        "followed_up",
        ("reflect", "2026-12-17T15:30:00Z"),
    ),
    (
        timedelta(days=1, hours=8),  # Thu 17 Dec 17:00
        {"type": "reflection_recorded", "lessons": "Ask about the first year, not the title."},
        "reflected",
        None,
    ),
]


def _post_step(api: Api, token: str, contact_id: str, step: dict[str, Any]) -> Any:
    return api.call("POST", f"/contacts/{contact_id}/events", step, token=token)


def _events(api: Api, token: str, contact_id: str) -> list[dict[str, Any]]:
    response = api.call("GET", f"/contacts/{contact_id}/events", token=token)
    assert response.status_code == 200
    return list(body_of(response)["items"])


def _next(contact: dict[str, Any]) -> tuple[str, str] | None:
    planned = contact["next_action"]
    return (planned["action"], planned["due_at"]) if planned else None


def test_one_contact_walks_through_all_five_steps(api: Api) -> None:
    token = api.token()
    created = api.call(
        "POST",
        "/contacts",
        {"name": "Ada Park", "email": "ada@example.com", "company": "Acme"},
        token=token,
    )
    assert created.status_code == 201
    contact = body_of(created)
    contact_id = contact["contact_id"]
    assert (contact["status"], contact["version"]) == ("identified", 1)
    assert _next(contact) == ("reach_out", "2026-11-26T14:00:00Z")

    for version, (wait, step, status, planned) in enumerate(WALK, start=2):
        api.clock.advance(wait)
        token = api.token()  # a fresh sign-in, as days pass
        response = _post_step(api, token, contact_id, step)
        assert response.status_code == 201, (step["type"], body_of(response))
        answer = body_of(response)
        assert answer["event"]["type"] == step["type"]
        assert answer["event"]["version"] == version
        assert response.headers["ETag"] == f'"{version}"'

        fetched = api.call("GET", f"/contacts/{contact_id}", token=token)
        assert fetched.status_code == 200
        current = body_of(fetched)
        assert current == answer["contact"], step["type"]
        assert (current["status"], current["version"]) == (status, version), step["type"]
        assert _next(current) == planned, step["type"]

    assert current["interview"] == {
        "starts_at": "2026-12-15T15:00:00Z",
        "duration_minutes": 30,
        "location": "Zoom",
    }
    assert current["prepared"] is True
    assert current["follow_ups_sent"] == 1
    assert current["linkedin_url"] == "https://www.linkedin.com/in/ada-park"
    history = _events(api, token, contact_id)
    assert [e["type"] for e in history] == ["contact_added"] + [s["type"] for _, s, _, _ in WALK]
    assert [e["version"] for e in history] == list(range(1, len(WALK) + 2))


# A valid body for every step a client may record, so a refusal can only be about the state.
STEP_BODIES: dict[str, dict[str, Any]] = {
    "introduction_requested": {"via": "Prof. Lee"},
    "outreach_sent": {"channel": "email", "message": "Hello"},
    "follow_up_sent": {"channel": "email"},
    "reply_received": {"outcome": "accepted"},
    "interview_scheduled": {"starts_at": "2026-11-24T15:00:00Z", "duration_minutes": 30},
    "interview_rescheduled": {"starts_at": "2026-12-21T15:00:00Z", "duration_minutes": 45},
    "interview_cancelled": {"reason": "They had to travel"},
    "research_noted": {"subject": "person", "text": "Ten years in platform teams."},
    "questions_prepared": {"questions": ["What does a normal week look like?"]},
    "interview_completed": {"notes": "Great talk."},
    "thank_you_sent": {"channel": "email"},
    "linkedin_connected": {"profile_url": "https://www.linkedin.com/in/someone"},
    "reflection_recorded": {"career_path": "Support, then QA, then platform."},
    "contact_updated": {"company": "Globex"},
    "contact_archived": {"reason": "Changed direction"},
}

OPEN = {"identified", "reaching_out", "scheduled", "interviewed", "followed_up", "reflected"}
EVERY = OPEN | {"declined", "archived"}

# API.md's "allowed when" column, restated here so the test checks the contract, not the code.
ALLOWED: dict[str, set[str]] = {
    "introduction_requested": {"identified", "reaching_out"},
    "outreach_sent": {"identified", "reaching_out"},
    "follow_up_sent": {"reaching_out"},
    "reply_received": {"reaching_out"},
    "interview_scheduled": {"identified", "reaching_out"},
    "interview_rescheduled": {"scheduled"},
    "interview_cancelled": {"scheduled"},
    "research_noted": OPEN,
    "questions_prepared": OPEN,
    "interview_completed": {"scheduled"},
    "thank_you_sent": {"interviewed"},
    "linkedin_connected": {"interviewed", "followed_up", "reflected"},
    "reflection_recorded": {"interviewed", "followed_up"},
    "contact_updated": EVERY - {"archived"},
    "contact_archived": EVERY - {"archived"},
}

# The steps that bring a fresh contact to each status.
PATHS: dict[str, list[str]] = {
    "identified": [],
    "reaching_out": ["outreach_sent"],
    "scheduled": ["interview_scheduled"],
    "interviewed": ["interview_scheduled", "interview_completed"],
    "followed_up": ["interview_scheduled", "interview_completed", "thank_you_sent"],
    "reflected": [
        "interview_scheduled",
        "interview_completed",
        "thank_you_sent",
        "reflection_recorded",
    ],
    "declined": ["outreach_sent"],  # then a declining reply, below
    "archived": ["contact_archived"],
}

# Steps the status allows in general, refused because of what already happened.
REFUSED_BY_HISTORY: list[tuple[str, list[dict[str, Any]], dict[str, Any]]] = [
    (
        "a follow-up without an outreach of your own",
        [{"type": "introduction_requested", "via": "Prof. Lee"}],
        {"type": "follow_up_sent", "channel": "email"},
    ),
    (
        "a follow-up after they replied",
        [{"type": "outreach_sent"}, {"type": "reply_received", "outcome": "accepted"}],
        {"type": "follow_up_sent", "channel": "email"},
    ),
    (
        "a second reply",
        [{"type": "outreach_sent"}, {"type": "reply_received", "outcome": "accepted"}],
        {"type": "reply_received", "outcome": "declined"},
    ),
    (
        "connecting on LinkedIn twice",
        [
            {"type": "interview_scheduled", "starts_at": "2026-11-24T15:00:00Z"},
            {"type": "interview_completed"},
            {"type": "linkedin_connected"},
        ],
        {"type": "linkedin_connected"},
    ),
]


def _contact_with(api: Api, token: str, steps: list[dict[str, Any]]) -> str:
    created = api.call("POST", "/contacts", {"name": "Grace Ho"}, token=token)
    assert created.status_code == 201
    contact_id: str = body_of(created)["contact_id"]
    for step in steps:
        response = _post_step(api, token, contact_id, step)
        assert response.status_code == 201, (step, body_of(response))
    return contact_id


def _path_to(status: str) -> list[dict[str, Any]]:
    steps = [{"type": name, **STEP_BODIES[name]} for name in PATHS[status]]
    if status == "declined":
        steps.append({"type": "reply_received", "outcome": "declined"})
    return steps


def _assert_refused(api: Api, token: str, contact_id: str, step: dict[str, Any]) -> None:
    before = _events(api, token, contact_id)
    response = _post_step(api, token, contact_id, step)
    assert response.status_code == 422, (step["type"], body_of(response))
    error = body_of(response)["error"]
    assert error["code"] == "step_not_allowed"
    assert len(error["message"]) > 10, error  # a reason a person can act on
    after = _events(api, token, contact_id)
    assert after == before, f"{step['type']} appended despite the 422"
    current = body_of(api.call("GET", f"/contacts/{contact_id}", token=token))
    assert current["version"] == len(before)


# v1.1's corrections depend on what the contact holds, not on its status alone:
# tests/api/test_allowed_steps.py tries them in every status.
CORRECTIONS = {"step_retracted", "contact_reopened", "reminder_snoozed"}


def test_the_allowed_table_names_every_step_a_client_may_record() -> None:
    assert set(ALLOWED) | CORRECTIONS == set(CLIENT_EVENT_TYPES)
    assert set(ALLOWED) == set(STEP_BODIES)


@pytest.mark.parametrize("status", sorted(EVERY))
def test_every_step_the_status_does_not_allow_gets_422_and_appends_nothing(
    api: Api, status: str
) -> None:
    token = api.token()
    contact_id = _contact_with(api, token, _path_to(status))
    contact = body_of(api.call("GET", f"/contacts/{contact_id}", token=token))
    assert contact["status"] == status
    refused = sorted(step for step, allowed in ALLOWED.items() if status not in allowed)
    assert refused, status
    for name in refused:
        _assert_refused(api, token, contact_id, {"type": name, **STEP_BODIES[name]})


@pytest.mark.parametrize(
    ("history", "step"),
    [(history, step) for _, history, step in REFUSED_BY_HISTORY],
    ids=[case for case, _, _ in REFUSED_BY_HISTORY],
)
def test_a_step_the_history_makes_pointless_gets_422_and_appends_nothing(
    api: Api, history: list[dict[str, Any]], step: dict[str, Any]
) -> None:
    token = api.token()
    contact_id = _contact_with(api, token, history)
    _assert_refused(api, token, contact_id, step)
