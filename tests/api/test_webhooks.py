"""Calendly and Cal.com deliveries end to end over moto, with the providers' payloads (the JSON
fixtures of tests/webhooks) signed as they sign them: what is recorded, what is refused, and
that a refused delivery writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import pytest

from chalicelib.adapters import aws
from chalicelib.adapters.stream_pump import StreamPump
from chalicelib.bootstrap import Services
from chalicelib.eventstore.port import StreamId
from tests.api.conftest import Api, body_of
from tests.projections.support import pump_for
from tests.webhooks.signing import calcom_header, calendly_header, encode, fixture_document

CALENDLY_KEY = "calendly-signing-key-5e0c7f1a"
CALCOM_SECRET = "calcom-webhook-secret-19b2"


@pytest.fixture
def pump(services: Services) -> StreamPump:
    return pump_for(services)


@pytest.fixture
def hooks(api: Api) -> dict[str, str]:
    """ada's webhook paths, with both secrets set."""
    token = api.token()
    api.call("PUT", "/me/integrations/calendly", {"signing_key": CALENDLY_KEY}, token=token)
    api.call("PUT", "/me/integrations/calcom", {"secret": CALCOM_SECRET}, token=token)
    overview = body_of(api.call("GET", "/me/integrations", token=token))
    return {
        "calendly": urlparse(overview["calendly"]["webhook_url"]).path,
        "calcom": urlparse(overview["calcom"]["webhook_url"]).path,
    }


def at(api: Api, days: float) -> datetime:
    return (api.clock.now() + timedelta(days=days)).astimezone(UTC)


def calendly_body(api: Api, name: str, starts_in_days: float = 5, **payload: Any) -> bytes:
    """A Calendly fixture with its interview moved into this test's future."""
    document = fixture_document(name)
    scheduled = document["payload"]["scheduled_event"]
    start = at(api, starts_in_days)
    scheduled["start_time"] = start.isoformat().replace("+00:00", "Z")
    scheduled["end_time"] = (start + timedelta(minutes=30)).isoformat().replace("+00:00", "Z")
    document["payload"].update(payload)
    return encode(document)


def calcom_body(api: Api, name: str, starts_in_days: float = 5, **payload: Any) -> bytes:
    document = fixture_document(name)
    start = at(api, starts_in_days)
    document["payload"]["startTime"] = start.isoformat().replace("+00:00", "Z")
    document["payload"]["endTime"] = (
        (start + timedelta(minutes=45)).isoformat().replace("+00:00", "Z")
    )
    document["payload"].update(payload)
    return encode(document)


def to_calendly(
    api: Api, path: str, body: bytes, *, key: str = CALENDLY_KEY, t: int | None = None
) -> Any:
    stamp = int(api.clock.now().timestamp()) if t is None else t
    headers = {
        "Content-Type": "application/json",
        "Calendly-Webhook-Signature": calendly_header(body, key, stamp),
    }
    return api.call("POST", path, headers=headers, raw=body)


def to_calcom(api: Api, path: str, body: bytes, *, secret: str = CALCOM_SECRET) -> Any:
    headers = {
        "Content-Type": "application/json",
        "X-Cal-Signature-256": calcom_header(body, secret),
    }
    return api.call("POST", path, headers=headers, raw=body)


def events_table(api: Api) -> list[str]:
    client = aws.client("dynamodb", api.settings)
    pages = client.get_paginator("scan").paginate(TableName=api.settings.events_table)
    return sorted(json.dumps(item, sort_keys=True) for page in pages for item in page["Items"])


def types_of(services: Services, contact_id: str) -> list[str]:
    return [e.type for e in services.event_store.load(StreamId("acme", contact_id)).events]


def contacts(api: Api, user: str = "ada") -> list[dict[str, Any]]:
    return list(body_of(api.call("GET", "/contacts", token=api.token("acme", user)))["items"])


def add(api: Api, name: str, email: str, *steps: dict[str, Any]) -> str:
    token = api.token()
    created = api.call("POST", "/contacts", {"name": name, "email": email}, token=token)
    contact_id = str(body_of(created)["contact_id"])
    for step in steps:
        response = api.call("POST", f"/contacts/{contact_id}/events", step, token=token)
        assert response.status_code == 201, body_of(response)
    return contact_id


def test_a_booking_from_an_unknown_invitee_creates_the_contact_and_schedules(
    api: Api, services: Services, pump: StreamPump, hooks: dict[str, str]
) -> None:
    response = to_calendly(api, hooks["calendly"], calendly_body(api, "calendly_invitee_created"))
    assert response.status_code == 200, body_of(response)
    recorded = body_of(response)["recorded"]
    assert recorded["event_type"] == "interview_scheduled"
    assert recorded["replayed"] is False
    pump.drain()
    [contact] = contacts(api)
    assert contact["name"] == "Priya Raman"
    assert contact["email"] == "priya.raman@example.com"
    assert contact["status"] == "scheduled"
    assert contact["interview"]["starts_at"].startswith(at(api, 5).date().isoformat())
    assert contact["interview"]["location"] == "https://calendly.zoom.us/j/84214967318"


def test_a_booking_lands_on_the_contact_with_that_email_whatever_its_case(
    api: Api, services: Services, pump: StreamPump, hooks: dict[str, str]
) -> None:
    priya = add(api, "Priya R.", "priya.raman@EXAMPLE.com", {"type": "outreach_sent"})
    pump.drain()
    response = to_calendly(api, hooks["calendly"], calendly_body(api, "calendly_invitee_created"))
    assert body_of(response)["recorded"]["contact_id"] == priya
    assert types_of(services, priya)[-1] == "interview_scheduled"
    pump.drain()
    assert len(contacts(api)) == 1


def test_the_same_delivery_twice_changes_nothing(
    api: Api, services: Services, pump: StreamPump, hooks: dict[str, str]
) -> None:
    body = calendly_body(api, "calendly_invitee_created")
    first = body_of(to_calendly(api, hooks["calendly"], body))
    before = events_table(api)
    api.clock.advance(timedelta(seconds=40))  # Calendly retries later, with a new `t`
    again = to_calendly(api, hooks["calendly"], body)
    assert again.status_code == 200
    assert body_of(again)["recorded"]["replayed"] is True
    assert body_of(again)["recorded"]["contact_id"] == first["recorded"]["contact_id"]
    pump.drain()
    assert to_calendly(api, hooks["calendly"], body).status_code == 200  # found by email now
    assert events_table(api) == before
    assert len(contacts(api)) == 1


SignedCall = Callable[[Api, str, bytes], Any]


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(
            lambda api, path, body: to_calendly(api, path, body, key="not-the-key"), id="wrong-key"
        ),
        pytest.param(
            lambda api, path, body: api.call(
                "POST",
                path,
                headers={
                    "Content-Type": "application/json",
                    "Calendly-Webhook-Signature": calendly_header(
                        body, CALENDLY_KEY, int(api.clock.now().timestamp())
                    ),
                },
                raw=body.replace(b"Priya", b"Pria"),
            ),
            id="altered-body",
        ),
        pytest.param(
            lambda api, path, body: to_calendly(
                api, path, body, t=int(api.clock.now().timestamp()) - 181
            ),
            id="stale",
        ),
        pytest.param(
            lambda api, path, body: to_calendly(
                api, path, body, t=int(api.clock.now().timestamp()) + 181
            ),
            id="from-the-future",
        ),
        pytest.param(
            lambda api, path, body: api.call(
                "POST", path, headers={"Content-Type": "application/json"}, raw=body
            ),
            id="unsigned",
        ),
        pytest.param(
            lambda api, path, body: api.call(
                "POST",
                path,
                headers={"Content-Type": "application/json", "Calendly-Webhook-Signature": "v1=00"},
                raw=body,
            ),
            id="malformed-header",
        ),
    ],
)
def test_a_refused_calendly_delivery_is_a_401_that_writes_nothing(
    api: Api, hooks: dict[str, str], send: SignedCall
) -> None:
    before = events_table(api)
    response = send(api, hooks["calendly"], calendly_body(api, "calendly_invitee_created"))
    assert response.status_code == 401, body_of(response)
    assert body_of(response)["error"]["code"] == "bad_signature"
    assert events_table(api) == before


def test_a_delivery_within_the_tolerance_is_accepted(api: Api, hooks: dict[str, str]) -> None:
    body = calendly_body(api, "calendly_invitee_created")
    response = to_calendly(api, hooks["calendly"], body, t=int(api.clock.now().timestamp()) - 179)
    assert response.status_code == 200


def test_a_wrong_calcom_signature_is_a_401_that_writes_nothing(
    api: Api, hooks: dict[str, str]
) -> None:
    before = events_table(api)
    body = calcom_body(api, "calcom_booking_created")
    assert to_calcom(api, hooks["calcom"], body, secret="other-secret").status_code == 401
    # A Calendly signature is not a Cal.com one, nor the other way round.
    assert to_calendly(api, hooks["calcom"], body, key=CALCOM_SECRET).status_code == 401
    assert events_table(api) == before


def test_without_a_secret_every_delivery_is_refused(api: Api) -> None:
    overview = body_of(api.call("GET", "/me/integrations", token=api.token()))
    path = urlparse(overview["calendly"]["webhook_url"]).path
    before = events_table(api)
    response = to_calendly(api, path, calendly_body(api, "calendly_invitee_created"))
    assert response.status_code == 401
    assert events_table(api) == before


@pytest.mark.parametrize(
    "path",
    [
        lambda real: real[:-3] + ("xyz" if not real.endswith("xyz") else "abc"),
        lambda real: "/webhooks/calendly/unknown",
        lambda real: "/webhooks/calendly/" + "QQ" * 300,
        # A well-formed hook id of a user who has none.
        lambda real: "/webhooks/calendly/YWNtZR9ub2JvZHk." + "A" * 43,
    ],
)
def test_an_unknown_hook_id_is_a_404_that_writes_nothing(
    api: Api, hooks: dict[str, str], path: Callable[[str], str]
) -> None:
    before = events_table(api)
    response = to_calendly(
        api, path(hooks["calendly"]), calendly_body(api, "calendly_invitee_created")
    )
    assert response.status_code == 404
    assert events_table(api) == before


def test_a_cancellation_records_interview_cancelled_with_its_reason(
    api: Api, services: Services, pump: StreamPump, hooks: dict[str, str]
) -> None:
    marcus = add(
        api,
        "Marcus Chen",
        "marcus.chen@example.org",
        {"type": "interview_scheduled", "starts_at": at(api, 4).isoformat()},
    )
    pump.drain()
    response = to_calendly(api, hooks["calendly"], calendly_body(api, "calendly_invitee_canceled"))
    assert body_of(response)["recorded"]["event_type"] == "interview_cancelled"
    last = services.event_store.load(StreamId("acme", marcus)).events[-1]
    reason = fixture_document("calendly_invitee_canceled")["payload"]["cancellation"]["reason"]
    assert last.data.get("reason") == reason


def test_a_cancellation_of_nobody_known_is_a_200_that_writes_nothing(
    api: Api, hooks: dict[str, str]
) -> None:
    before = events_table(api)
    response = to_calendly(api, hooks["calendly"], calendly_body(api, "calendly_invitee_canceled"))
    assert response.status_code == 200
    assert body_of(response)["recorded"] is None
    assert body_of(response)["ignored"]
    assert events_table(api) == before


@pytest.mark.parametrize(
    "cancel_first", [True, False], ids=["cancel-then-create", "create-then-cancel"]
)
def test_a_calendly_reschedule_is_one_interview_rescheduled_in_either_order(
    api: Api, services: Services, pump: StreamPump, hooks: dict[str, str], cancel_first: bool
) -> None:
    aisha = add(
        api,
        "Aisha Bello",
        "aisha.bello@example.net",
        {"type": "interview_scheduled", "starts_at": at(api, 3).isoformat()},
    )
    pump.drain()
    cancel = calendly_body(api, "calendly_reschedule_canceled", starts_in_days=3)
    create = calendly_body(api, "calendly_reschedule_created", starts_in_days=6)
    for body in [cancel, create] if cancel_first else [create, cancel]:
        response = to_calendly(api, hooks["calendly"], body)
        assert response.status_code == 200, body_of(response)
        pump.drain()
    assert types_of(services, aisha).count("interview_rescheduled") == 1
    assert "interview_cancelled" not in types_of(services, aisha)
    [contact] = contacts(api)
    assert contact["status"] == "scheduled"
    assert contact["interview"]["starts_at"].startswith(at(api, 6).date().isoformat())


def test_a_booking_the_contact_does_not_allow_is_a_200_recorded_nowhere(
    api: Api, services: Services, pump: StreamPump, hooks: dict[str, str]
) -> None:
    priya = add(
        api,
        "Priya Raman",
        "priya.raman@example.com",
        {"type": "interview_scheduled", "starts_at": at(api, -2).isoformat()},
        {"type": "interview_completed"},
    )
    pump.drain()
    before = events_table(api)
    response = to_calendly(api, hooks["calendly"], calendly_body(api, "calendly_invitee_created"))
    assert response.status_code == 200
    assert body_of(response)["recorded"] is None
    assert "interview_scheduled" in body_of(response)["ignored"]
    assert events_table(api) == before
    assert types_of(services, priya)[-1] == "interview_completed"


def test_events_calendly_sends_that_rapport_does_not_use_are_ignored(
    api: Api, hooks: dict[str, str]
) -> None:
    before = events_table(api)
    body = encode(fixture_document("calendly_routing_form_submission"))
    response = to_calendly(api, hooks["calendly"], body)
    assert response.status_code == 200
    assert body_of(response)["ignored"]
    assert events_table(api) == before


def test_a_signed_body_that_is_not_calendlys_is_a_400_naming_the_field(
    api: Api, hooks: dict[str, str]
) -> None:
    document = fixture_document("calendly_invitee_created")
    del document["payload"]["scheduled_event"]["start_time"]
    before = events_table(api)
    response = to_calendly(api, hooks["calendly"], encode(document))
    assert response.status_code == 400
    [problem] = body_of(response)["error"]["fields"]
    assert "start_time" in problem["field"]
    assert to_calendly(api, hooks["calendly"], b"not json").status_code == 400
    assert events_table(api) == before


def test_calcom_created_rescheduled_cancelled(
    api: Api, services: Services, pump: StreamPump, hooks: dict[str, str]
) -> None:
    created = to_calcom(api, hooks["calcom"], calcom_body(api, "calcom_booking_created"))
    assert body_of(created)["recorded"]["event_type"] == "interview_scheduled", body_of(created)
    sam = body_of(created)["recorded"]["contact_id"]
    pump.drain()
    moved = to_calcom(api, hooks["calcom"], calcom_body(api, "calcom_booking_rescheduled", 8))
    assert body_of(moved)["recorded"] == {
        "contact_id": sam,
        "event_type": "interview_rescheduled",
        "version": 3,
        "replayed": False,
    }
    again = to_calcom(api, hooks["calcom"], calcom_body(api, "calcom_booking_rescheduled", 8))
    assert body_of(again)["recorded"]["replayed"] is True
    pump.drain()
    cancel = calcom_body(
        api,
        "calcom_booking_cancelled",
        8,
        attendees=[
            {
                "email": "sam.okafor@example.org",
                "name": "Sam Okafor",
                "timeZone": "UTC",
                "language": {"locale": "en"},
            }
        ],
    )
    cancelled = to_calcom(api, hooks["calcom"], cancel)
    assert body_of(cancelled)["recorded"]["event_type"] == "interview_cancelled", body_of(cancelled)
    assert types_of(services, sam) == [
        "contact_added",
        "interview_scheduled",
        "interview_rescheduled",
        "interview_cancelled",
    ]


def test_calcom_ping_and_other_triggers_are_ignored(api: Api, hooks: dict[str, str]) -> None:
    before = events_table(api)
    for name in ("calcom_ping", "calcom_meeting_ended"):
        response = to_calcom(api, hooks["calcom"], encode(fixture_document(name)))
        assert response.status_code == 200, body_of(response)
        assert body_of(response)["recorded"] is None
    assert events_table(api) == before


def test_a_delivery_touches_only_the_hook_owners_contacts(
    api: Api, services: Services, pump: StreamPump, hooks: dict[str, str]
) -> None:
    bea = api.token("acme", "bea")
    created = api.call(
        "POST", "/contacts", {"name": "Priya", "email": "priya.raman@example.com"}, token=bea
    )
    beas_priya = body_of(created)["contact_id"]
    pump.drain()
    response = to_calendly(api, hooks["calendly"], calendly_body(api, "calendly_invitee_created"))
    assert body_of(response)["recorded"]["contact_id"] != beas_priya
    assert types_of(services, beas_priya) == ["contact_added"]


def test_a_removed_members_webhooks_and_feed_end_with_the_membership(
    api: Api, services: Services, hooks: dict[str, str]
) -> None:
    """Their URLs carry no token, but they end as the member's token does; the erasure then
    drops the secrets behind them."""
    overview = body_of(api.call("GET", "/me/integrations", token=api.token()))
    feed = urlparse(overview["calendar_feed_url"]).path
    assert api.call("GET", feed).status_code == 200
    admin = api.token(tenant="acme", user="ana", roles=("admin",))
    assert api.call("DELETE", "/tenant/members/ada", token=admin).status_code == 204
    before = events_table(api)

    booked = to_calendly(api, hooks["calendly"], calendly_body(api, "calendly_invitee_created"))
    cal = to_calcom(api, hooks["calcom"], calcom_body(api, "calcom_booking_created"))

    assert (booked.status_code, cal.status_code) == (404, 404)
    assert api.call("GET", feed).status_code == 404
    assert events_table(api) == before
    api.clock.advance(timedelta(days=30, hours=1))
    assert services.offboarding.erase_due() == 1
    assert services.adapters.integrations_store.get("acme", "ada") is None
    hook_id = hooks["calendly"].rsplit("/", 1)[1]
    assert hook_id not in "\n".join(events_table(api))
