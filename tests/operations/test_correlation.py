"""One request's correlation id, end to end: the API's log line, the event it appends, the
projector's line for the view it writes, and the sweep's line for the email the step caused,
with the `reminder_sent` it records (the inbound-email handler does not exist yet)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap, correlation
from chalicelib.auth.minting import mint_token
from chalicelib.clock import FixedClock
from chalicelib.eventstore.port import StreamId
from chalicelib.settings import Settings
from tests.operations.support import json_logs
from tests.projections.extreme_streams import NOW, contact_record

STEP_ID = "trace-step-42"
ADA: dict[str, Any] = {"tenant": "acme", "user": "ada", "email": "ada@example.com", "roles": ()}


@pytest.fixture
def world(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[bootstrap.Services, Client]]:
    # As in Lambda, where the Powertools middleware runs (outside it, it stays out of the way).
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "rapport-test-api_handler")
    services = bootstrap.in_memory(settings, clock=FixedClock(NOW), sleep=lambda _: None)
    bootstrap.install(services)
    with Client(app) as client:
        yield services, client
    bootstrap.install(None)


def _post(client: Client, path: str, token: str, body: object, **headers: str) -> object:
    sent = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers}
    return client.http.post(path, headers=sent, body=json.dumps(body).encode())


def test_one_step_s_correlation_id_reaches_its_event_its_projection_and_its_reminder(
    world: tuple[bootstrap.Services, Client], settings: Settings
) -> None:
    # Given ada's contact, added by one request
    services, client = world
    token = mint_token(settings.auth_jwt_secret or "", **ADA, now=NOW)
    with json_logs() as lines:
        added = _post(client, "/contacts", token, {"name": "Grace Hopper"})
        contact_id = json.loads(added.body)["contact_id"]  # type: ignore[attr-defined]

        # When another request, with its own correlation id, records an outreach
        step = _post(
            client,
            f"/contacts/{contact_id}/events",
            token,
            {"type": "outreach_sent", "channel": "email"},
            **{"X-Correlation-Id": STEP_ID},
        )
        # and the stream's record of it is projected, and the follow-up falls due and is swept
        records = [contact_record("acme", "ada", contact_id, v) for v in (1, 2)]
        services.projector.handle({"Records": records})
        services.clock.set(NOW + timedelta(days=14, hours=20))  # type: ignore[attr-defined]
        report = services.reminder_sweep.run()

    # Then the answer names it, and the event keeps it in its metadata
    assert step.status_code == 201  # type: ignore[attr-defined]
    assert step.headers["X-Correlation-Id"] == STEP_ID  # type: ignore[attr-defined]
    events = services.event_store.read(StreamId("acme", contact_id))
    assert events[1].correlation_id == STEP_ID
    # and the projector, the sweep's email and the `reminder_sent` it records carry it on
    assert len(report.sent) == 1
    assert report.emails == 1
    assert len(services.mailer.sent) == 1  # type: ignore[attr-defined]
    assert services.event_store.read(StreamId("acme", contact_id))[-1].type == "reminder_sent"
    assert services.event_store.read(StreamId("acme", contact_id))[-1].correlation_id == STEP_ID
    ours = [line for line in lines if line.get("correlation_id") == STEP_ID]
    messages = [line["message"] for line in ours]
    assert messages == [
        "POST /contacts/{contact_id}/events answered 201",
        f"projected T#acme#C#{contact_id} at version 2",
        f"reminder ('acme', '{contact_id}', 'follow_up', "
        f"'{report.sent[0].reminder.due_at:%Y-%m-%dT%H:%M:%SZ}') sent in email "
        f"{services.mailer.sent[0].message_id}",  # type: ignore[attr-defined]
    ]
    assert {line["tenant_id"] for line in ours} == {"acme"}
    # The API's line has the function and cold start from the Lambda context
    assert ours[0]["function_name"] == "api_handler"
    assert "cold_start" in ours[0]
    # and no line carries the contact's name or the user's address
    assert not [line for line in lines if "Grace" in json.dumps(line) or "ada@" in json.dumps(line)]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("trace-1", "trace-1"),
        ("1-abc:2.x_y", "1-abc:2.x_y"),
        ("Root=1-abc", "gateway-id"),
        ("has space", "gateway-id"),
        ("x" * 129, "gateway-id"),
        ("", "gateway-id"),
        (None, "gateway-id"),
    ],
)
def test_a_client_s_correlation_id_is_taken_only_when_it_is_short_and_plain(
    header: str | None, expected: str
) -> None:
    assert correlation.chosen(header, "gateway-id") == expected
