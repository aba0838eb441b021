"""`GET /dashboard` and `GET /tenant/dashboard` against a hand-computed scenario.

Given, on Thursday 26 November 2026 at 14:00 UTC, ada's eleven contacts in every status (all
steps recorded then, default settings: UTC, follow-ups after 7 business days), bob's one
contact in the same tenant, and cy's in another tenant. When the dashboards are read on
Saturday 28 November at 12:00, then the counts, due actions, upcoming interviews and funnel
are as worked out beside each contact below.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.bootstrap import Services
from tests.api.conftest import Api, body_of
from tests.projections.support import pump_for

OUTREACH = {"type": "outreach_sent", "message": "Coffee?"}
ACCEPTED = {"type": "reply_received", "outcome": "accepted"}


def _interview(starts_at: str) -> dict[str, Any]:
    return {"type": "interview_scheduled", "starts_at": starts_at, "duration_minutes": 30}


PAST = _interview("2026-11-25T10:00:00Z")  # ended 25 Nov 10:30
DONE = [OUTREACH, ACCEPTED, PAST, {"type": "interview_completed", "notes": "Good talk."}]
THANKS = {"type": "thank_you_sent"}

# name: steps, and (from the agenda rules) what is due by Saturday 28 Nov 12:00.
ADA = {
    # identified: reach out, due when added (26 Nov 14:00)
    "Ida": [],
    # reaching_out: follow up 7 business days after the outreach: Mon 7 Dec, not yet due
    "Rae": [OUTREACH],
    # reaching_out: only an introduction asked; reach out yourself on 7 Dec, not yet due
    "Ian": [{"type": "introduction_requested", "via": "Prof. Lee"}],
    # reaching_out after a yes: schedule the interview, due since the reply (26 Nov 14:00)
    "Ace": [OUTREACH, ACCEPTED],
    # scheduled 3 Dec 15:00: prepare questions from 1 Dec 15:00; upcoming interview
    "Sam": [OUTREACH, ACCEPTED, _interview("2026-12-03T15:00:00Z")],
    # scheduled 27 Nov 10:00, not logged: prepare and attend expired by Saturday; log the
    # interview is due 24 h after it ended (28 Nov 10:30); not upcoming (it started)
    "Sue": [OUTREACH, ACCEPTED, _interview("2026-11-27T10:00:00Z")],
    # interviewed (ended 25 Nov 10:30): thank them (due then) and reflect (due 27 Nov 10:30)
    "Ivy": DONE,
    # followed up: reflect (27 Nov 10:30); connect on LinkedIn 2 days after the thank-you
    # (28 Nov 14:00, not yet)
    "Fay": [*DONE, THANKS],
    # reflected: connect on LinkedIn on 28 Nov 14:00, not yet
    "Rex": [*DONE, THANKS, {"type": "reflection_recorded", "lessons": "Ask about year one."}],
    # declined and archived: nothing to do
    "Dee": [OUTREACH, {"type": "reply_received", "outcome": "declined"}],
    "Arc": [{"type": "contact_archived"}],
}
DUE = [  # (due_at, name, action), oldest first
    ("2026-11-25T10:30:00Z", "Ivy", "send_thank_you"),
    ("2026-11-26T14:00:00Z", "Ace", "schedule_interview"),
    ("2026-11-26T14:00:00Z", "Ida", "reach_out"),
    ("2026-11-27T10:30:00Z", "Fay", "reflect"),
    ("2026-11-27T10:30:00Z", "Ivy", "reflect"),
    ("2026-11-28T10:30:00Z", "Sue", "log_interview"),
]
COUNTS = {
    "identified": 1,
    "reaching_out": 3,  # Rae, Ian, Ace
    "scheduled": 2,  # Sam, Sue
    "interviewed": 1,
    "followed_up": 1,
    "reflected": 1,
    "declined": 1,
    "archived": 1,
}
# Reached out: all but Ida and Arc (9). Replied (a reply, or an interview scheduled): Ace,
# Sam, Sue, Ivy, Fay, Rex, Dee (7). Interviewed: Ivy, Fay, Rex (3).
FUNNEL = {"reached_out": 9, "replied": 7, "interviewed": 3, "reply_rate": round(7 / 9, 4)}


@pytest.fixture
def ids(api: Api, services: Services) -> dict[str, str]:
    """Records everyone's steps, drains the stream, and moves the clock to Saturday noon."""
    found = {name: _contact(api, api.token(), name, steps) for name, steps in ADA.items()}
    found["Bob's"] = _contact(api, api.token(user="bob"), "Bea", [OUTREACH])
    found["globex"] = _contact(api, api.token(tenant="globex", user="cy"), "Gus", [])
    pump_for(services).drain()
    api.clock.advance(timedelta(days=1, hours=22))
    return found


def _contact(api: Api, token: str, name: str, steps: list[dict[str, Any]]) -> str:
    created = api.call("POST", "/contacts", {"name": name}, token=token)
    contact_id = str(body_of(created)["contact_id"])
    for step in steps:
        response = api.call("POST", f"/contacts/{contact_id}/events", step, token=token)
        assert response.status_code == 201, body_of(response)
    return contact_id


def _due(ids: dict[str, str], rows: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    # Actions due at the same moment come in contact id order (the index's sort key).
    ordered = sorted(rows, key=lambda row: (row[0], ids[row[1]]))
    return [
        {"contact_id": ids[name], "name": name, "action": action, "due_at": due}
        for due, name, action in ordered
    ]


def test_the_dashboard_matches_the_hand_computed_pipeline(api: Api, ids: dict[str, str]) -> None:
    response = api.call("GET", "/dashboard", token=api.token())

    assert response.status_code == 200
    assert body_of(response) == {
        "counts": COUNTS,
        "due_actions": _due(ids, DUE),
        "upcoming_interviews": [
            {"contact_id": ids["Sam"], "name": "Sam", "starts_at": "2026-12-03T15:00:00Z"}
        ],
        "funnel": FUNNEL,
        "as_of": "2026-11-28T12:00:00Z",
    }


def test_the_tenant_dashboard_sums_the_tenants_users_for_a_coach_only(
    api: Api, ids: dict[str, str]
) -> None:
    coach = api.token(user="cora", roles=["coach"])
    for user in ("ada", "bob"):  # names come only from members who share (API.md)
        shared = {"share_with_coaches": True}
        assert api.call("PUT", "/me/sharing", shared, token=api.token(user=user)).status_code == 200

    board = body_of(api.call("GET", "/tenant/dashboard", token=coach))
    refused = api.call("GET", "/tenant/dashboard", token=api.token())

    assert board["counts"] == {**COUNTS, "reaching_out": COUNTS["reaching_out"] + 1}
    assert board["funnel"] == {**FUNNEL, "reached_out": 10, "reply_rate": 0.7}
    # bob's follow-up is not due yet; each item names its member
    assert board["due_actions"] == [{**item, "user_id": "ada"} for item in _due(ids, DUE)]
    assert ids["globex"] not in str(board)
    assert refused.status_code == 403
    assert body_of(refused)["error"]["code"] == "forbidden"


def test_a_new_user_sees_an_empty_dashboard(api: Api) -> None:
    board = body_of(api.call("GET", "/dashboard", token=api.token(user="newcomer")))

    assert board["counts"] == dict.fromkeys(COUNTS, 0)
    assert board["funnel"] == {"reached_out": 0, "replied": 0, "interviewed": 0, "reply_rate": None}
    assert (board["due_actions"], board["upcoming_interviews"]) == ([], [])


def test_a_step_moves_the_dashboard_once_the_stream_is_drained(
    api: Api, services: Services
) -> None:
    drain: Callable[[], int] = pump_for(services).drain
    token = api.token()
    contact_id = _contact(api, token, "Ida", [])
    drain()
    before = body_of(api.call("GET", "/dashboard", token=token))

    _contact_step = api.call("POST", f"/contacts/{contact_id}/events", OUTREACH, token=token)
    assert _contact_step.status_code == 201
    drain()
    after = body_of(api.call("GET", "/dashboard", token=token))

    assert (before["counts"]["identified"], before["counts"]["reaching_out"]) == (1, 0)
    assert (after["counts"]["identified"], after["counts"]["reaching_out"]) == (0, 1)
    assert [item["action"] for item in before["due_actions"]] == ["reach_out"]
    assert after["due_actions"] == []
