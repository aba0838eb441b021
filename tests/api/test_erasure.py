"""`DELETE /contacts/{id}`: the contact's personal data leaves every table for good, its reminders
are cancelled, and the counters stay right."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.adapters import aws
from chalicelib.adapters.stream_pump import StreamPump
from chalicelib.bootstrap import Services
from tests.api.conftest import Api, body_of
from tests.projections.support import pump_for

DETAILS = {
    "name": "Zelda Quartermaine",
    "email": "zelda.q@example.org",
    "company": "Quillfeather Labs",
    "role": "Principal Snailwright",
    "linkedin_url": "https://www.linkedin.com/in/zelda-quartermaine",
    "introduced_by": "Umberto Vex",
    "notes": "Met at the Lisbon ferrofluid meetup",
}
STEPS: list[dict[str, Any]] = [
    {"type": "contact_updated", "notes": "Prefers mornings at the Kestrel cafe"},
    {"type": "introduction_requested", "via": "Yannick Oberlin"},
    {"type": "outreach_sent", "message": "Hello Zelda, about snail robotics"},
    {"type": "reply_received", "outcome": "accepted"},
    {"type": "interview_scheduled", "starts_at": "2026-11-20T10:00:00Z", "location": "Heron Room"},
    {"type": "research_noted", "subject": "person", "text": "Wrote the Gastropod Locomotion paper"},
    {"type": "questions_prepared", "questions": ["How did the Gastropod project start?"]},
    {"type": "interview_completed", "notes": "She recommended the Tidewater Institute"},
    {"type": "thank_you_sent"},
    {
        "type": "reflection_recorded",
        "career_path": "Marine biology to robotics",
        "obstacles": "The funding winter of 2019",
        "lessons": "Ship small prototypes",
    },
    {"type": "linkedin_connected", "profile_url": "https://www.linkedin.com/in/zq-robotics"},
]
TRACES = [
    "Zelda",
    "Quartermaine",
    "zelda.q",
    "Quillfeather",
    "Snailwright",
    "Umberto",
    "ferrofluid",
    "Kestrel",
    "Yannick",
    "snail robotics",
    "Heron Room",
    "Gastropod",
    "Tidewater",
    "Marine biology",
    "funding winter",
    "small prototypes",
    "zq-robotics",
]


@pytest.fixture
def pump(services: Services) -> StreamPump:
    return pump_for(services)


@pytest.fixture
def zelda(api: Api, pump: StreamPump) -> str:
    """Zelda, through every step (created with an Idempotency-Key), and one other contact."""
    token = api.token()
    created = api.call("POST", "/contacts", DETAILS, token=token, headers={"Idempotency-Key": "z1"})
    contact_id = str(body_of(created)["contact_id"])
    for step in STEPS:
        response = api.call("POST", f"/contacts/{contact_id}/events", step, token=token)
        assert response.status_code == 201, body_of(response)
    other = body_of(api.call("POST", "/contacts", {"name": "Otto"}, token=token))["contact_id"]
    api.call("POST", f"/contacts/{other}/events", {"type": "outreach_sent"}, token=token)
    pump.drain()
    return contact_id


def _every_item_of_every_table(api: Api) -> str:
    client = aws.client("dynamodb", api.settings)
    dumped = []
    for table in client.list_tables()["TableNames"]:
        for page in client.get_paginator("scan").paginate(TableName=table):
            dumped += [json.dumps(item, ensure_ascii=False) for item in page["Items"]]
    return "\n".join(dumped)


def test_after_delete_no_table_holds_a_trace_of_the_contact(
    api: Api, pump: StreamPump, zelda: str
) -> None:
    assert all(trace in _every_item_of_every_table(api) for trace in TRACES)

    response = api.call("DELETE", f"/contacts/{zelda}", token=api.token())
    pump.drain()

    assert response.status_code == 204
    everything = _every_item_of_every_table(api)
    assert [trace for trace in TRACES if trace.lower() in everything.lower()] == []


def test_after_delete_the_contact_is_gone_and_the_counters_are_right(
    api: Api, pump: StreamPump, zelda: str
) -> None:
    token = api.token()
    before = body_of(api.call("GET", "/dashboard", token=token))

    assert api.call("DELETE", f"/contacts/{zelda}", token=token).status_code == 204
    listed = body_of(api.call("GET", "/contacts", token=token))["items"]  # before any drain
    pump.drain()
    after = body_of(api.call("GET", "/dashboard", token=token))

    assert api.call("GET", f"/contacts/{zelda}", token=token).status_code == 404
    assert api.call("GET", f"/contacts/{zelda}/events", token=token).status_code == 404
    assert [item["name"] for item in listed] == ["Otto"]
    assert before["counts"]["reflected"] == 1
    assert after["counts"] == {**before["counts"], "reflected": 0}
    assert before["funnel"] == {"reached_out": 2, "replied": 1, "interviewed": 1, "reply_rate": 0.5}
    assert after["funnel"] == {"reached_out": 1, "replied": 0, "interviewed": 0, "reply_rate": 0.0}
    assert zelda not in json.dumps(after)


def test_deleting_cancels_the_contacts_reminders(api: Api, pump: StreamPump) -> None:
    token = api.token()
    rae = body_of(api.call("POST", "/contacts", {"name": "Rae"}, token=token))["contact_id"]
    api.call("POST", f"/contacts/{rae}/events", {"type": "outreach_sent"}, token=token)
    pump.drain()

    def reminders() -> list[dict[str, Any]]:
        client = aws.client("dynamodb", api.settings)
        items = client.scan(TableName=api.settings.views_table)["Items"]
        return [item for item in items if item["SK"]["S"].startswith(f"R#{rae}#")]

    before = reminders()
    api.call("DELETE", f"/contacts/{rae}", token=token)
    pump.drain()

    assert [item["action"]["S"] for item in before if "due_pk" in item] == ["follow_up"]
    assert reminders() == []


def test_a_repeated_delete_by_the_owner_is_harmless(api: Api, pump: StreamPump, zelda: str) -> None:
    token = api.token()
    api.call("DELETE", f"/contacts/{zelda}", token=token)
    pump.drain()
    events_before = _every_item_of_every_table(api)

    again = api.call("DELETE", f"/contacts/{zelda}", token=token)
    pump.drain()

    assert again.status_code == 204
    assert _every_item_of_every_table(api) == events_before


@pytest.mark.parametrize(("tenant", "user"), [("acme", "bob"), ("globex", "ada")])
def test_someone_elses_delete_is_a_404_and_erases_nothing(
    api: Api, zelda: str, tenant: str, user: str
) -> None:
    response = api.call("DELETE", f"/contacts/{zelda}", token=api.token(tenant=tenant, user=user))

    assert response.status_code == 404
    owner = api.call("GET", f"/contacts/{zelda}", token=api.token())
    assert body_of(owner)["name"] == "Zelda Quartermaine"
