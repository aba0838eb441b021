"""`/me/integrations` and `GET /calendar/{secret}.ics`, end to end over moto: URLs shown, secrets
write-only and sealed at rest, the feed valid RFC 5545, a rotated feed URL a 404."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import icalendar
import pytest

from chalicelib.adapters import aws
from chalicelib.adapters.stream_pump import StreamPump
from chalicelib.bootstrap import Services
from tests.api.conftest import Api, body_of
from tests.calendar_feed.rfc5545 import check_ics
from tests.projections.support import pump_for

SIGNING_KEY = "calendly-signing-key-8c1f2d9e"
CALCOM_SECRET = "calcom-secret-77aa01"


@pytest.fixture
def pump(services: Services) -> StreamPump:
    return pump_for(services)


def integrations(api: Api, user: str = "ada", tenant: str = "acme") -> dict[str, Any]:
    response = api.call("GET", "/me/integrations", token=api.token(tenant, user))
    assert response.status_code == 200, body_of(response)
    assert response.headers["Cache-Control"] == "no-store"
    return dict(body_of(response))


def feed(api: Api, url: str) -> Any:
    return api.call("GET", urlparse(url).path)


def every_item(api: Api) -> str:
    client = aws.client("dynamodb", api.settings)
    dumped = []
    for table in client.list_tables()["TableNames"]:
        for page in client.get_paginator("scan").paginate(TableName=table):
            dumped += [json.dumps(item) for item in page["Items"]]
    return "\n".join(dumped)


def test_the_overview_names_every_url_and_no_secret(api: Api) -> None:
    first = integrations(api)
    assert first == integrations(api), "the same URLs on every visit"
    assert first["calendly"]["configured"] is False
    assert first["calcom"]["configured"] is False
    calendly_path = urlparse(first["calendly"]["webhook_url"]).path
    assert calendly_path.startswith("/webhooks/calendly/")
    assert urlparse(first["calcom"]["webhook_url"]).path.startswith("/webhooks/calcom/")
    assert urlparse(first["calendar_feed_url"]).path.startswith("/calendar/")
    assert first["calendar_feed_url"].endswith(".ics")
    # The email interface comes later: said as null, not left out.
    assert first["inbound"] == {"log_address": None}
    assert integrations(api, "bea")["calendly"]["webhook_url"] != first["calendly"]["webhook_url"]


def test_secrets_are_write_only_and_sealed_at_rest(api: Api) -> None:
    token = api.token()
    put = api.call("PUT", "/me/integrations/calendly", {"signing_key": SIGNING_KEY}, token=token)
    assert put.status_code == 200, body_of(put)
    assert body_of(put)["calendly"]["configured"] is True
    assert body_of(put)["calcom"]["configured"] is False
    put = api.call("PUT", "/me/integrations/calcom", {"secret": CALCOM_SECRET}, token=token)
    assert body_of(put)["calcom"]["configured"] is True
    for response in (put, api.call("GET", "/me/integrations", token=token)):
        assert SIGNING_KEY.encode() not in response.body
        assert CALCOM_SECRET.encode() not in response.body
    stored = every_item(api)
    assert SIGNING_KEY not in stored
    assert CALCOM_SECRET not in stored
    # Nor is the feed's secret stored: only its hash.
    secret = urlparse(integrations(api)["calendar_feed_url"]).path.rsplit("/", 1)[1]
    assert secret.removesuffix(".ics") not in stored


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/me/integrations/calendly", {}, "signing_key"),
        ("/me/integrations/calendly", {"signing_key": "short"}, "signing_key"),
        ("/me/integrations/calendly", {"signing_key": " padded-secret "}, "signing_key"),
        ("/me/integrations/calendly", {"signing_key": 12345678}, "signing_key"),
        ("/me/integrations/calendly", {"signing_key": "x" * 501}, "signing_key"),
        ("/me/integrations/calendly", {"signing_key": SIGNING_KEY, "other": 1}, "other"),
        ("/me/integrations/calcom", {"signing_key": CALCOM_SECRET}, "secret"),
    ],
)
def test_a_bad_secret_is_a_400_naming_the_field_and_saves_nothing(
    api: Api, path: str, body: dict[str, Any], field: str
) -> None:
    response = api.call("PUT", path, body, token=api.token())
    assert response.status_code == 400, body_of(response)
    fields = [problem["field"] for problem in body_of(response)["error"]["fields"]]
    assert field in fields
    overview = integrations(api)
    assert not overview["calendly"]["configured"]
    assert not overview["calcom"]["configured"]


def test_integrations_need_a_token(api: Api) -> None:
    for method, path in [
        ("GET", "/me/integrations"),
        ("PUT", "/me/integrations/calendly"),
        ("POST", "/me/integrations/calendar/rotate"),
    ]:
        assert api.call(method, path, {"signing_key": SIGNING_KEY}).status_code == 401


def schedule(api: Api, name: str, starts_at: datetime, questions: list[str]) -> str:
    token = api.token()
    created = api.call("POST", "/contacts", {"name": name, "company": "Acme, Inc."}, token=token)
    contact_id = str(body_of(created)["contact_id"])
    steps: list[dict[str, Any]] = [
        {"type": "outreach_sent", "channel": "email"},
        {
            "type": "interview_scheduled",
            "starts_at": starts_at.isoformat(),
            "duration_minutes": 45,
            "location": "Zoom; link in the invite",
        },
    ]
    if questions:
        steps.append({"type": "questions_prepared", "questions": questions})
    for step in steps:
        response = api.call("POST", f"/contacts/{contact_id}/events", step, token=token)
        assert response.status_code == 201, body_of(response)
    return contact_id


def test_the_feed_is_valid_rfc5545_with_interviews_and_due_steps(
    api: Api, pump: StreamPump
) -> None:
    starts_at = api.clock.now() + timedelta(days=3)
    interviewed = schedule(api, "Grace Hopper", starts_at, ["How did you start?", "What next?"])
    waiting = body_of(api.call("POST", "/contacts", {"name": "Alan Kay"}, token=api.token()))
    pump.drain()

    response = feed(api, integrations(api)["calendar_feed_url"])
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    check_ics(response.body)
    calendar = icalendar.Calendar.from_ical(response.body)
    assert calendar.get("REFRESH-INTERVAL") is not None
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    interview = next(e for uid, e in events.items() if uid.startswith(f"interview-{interviewed}@"))
    assert interview.decoded("DTSTART") == starts_at.astimezone(UTC)
    assert interview.decoded("DTEND") == starts_at.astimezone(UTC) + timedelta(minutes=45)
    assert "Grace Hopper" in str(interview["SUMMARY"])
    assert str(interview["LOCATION"]) == "Zoom; link in the invite"
    assert "How did you start?" in str(interview["DESCRIPTION"])
    due = next(e for uid, e in events.items() if uid.startswith(f"due-{waiting['contact_id']}-"))
    assert "Alan Kay" in str(due["SUMMARY"])
    assert due["DTSTART"].params.get("VALUE") == "DATE"


def test_interviews_older_than_30_days_leave_the_feed(api: Api, pump: StreamPump) -> None:
    contact_id = schedule(api, "Ada Old", api.clock.now() + timedelta(hours=2), [])
    pump.drain()
    url = integrations(api)["calendar_feed_url"]
    assert f"interview-{contact_id}@".encode() in feed(api, url).body
    api.clock.advance(timedelta(days=31))
    assert f"interview-{contact_id}@".encode() not in feed(api, url).body


def test_a_rotated_feed_url_is_a_404_and_the_new_one_works(api: Api) -> None:
    old = integrations(api)["calendar_feed_url"]
    assert feed(api, old).status_code == 200
    rotated = api.call("POST", "/me/integrations/calendar/rotate", token=api.token())
    assert rotated.status_code == 200, body_of(rotated)
    new = body_of(rotated)["calendar_feed_url"]
    assert new != old
    assert new == integrations(api)["calendar_feed_url"]
    gone = feed(api, old)
    assert gone.status_code == 404
    assert body_of(gone)["error"]["code"] == "not_found"
    assert feed(api, new).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda path: path.removesuffix(".ics"),
        lambda path: path[:-5] + ("A" if path[-5] != "A" else "B") + ".ics",
        lambda path: "/calendar/not-a-token.ics",
        lambda path: "/calendar/" + "A" * 600 + ".ics",
    ],
)
def test_a_wrong_feed_secret_is_a_404(api: Api, tamper: Any) -> None:
    path = urlparse(integrations(api)["calendar_feed_url"]).path
    assert api.call("GET", tamper(path)).status_code == 404


def test_a_feed_shows_only_its_owners_contacts(api: Api, pump: StreamPump) -> None:
    schedule(api, "Ada's Only", api.clock.now() + timedelta(days=1), [])
    pump.drain()
    bea = feed(api, integrations(api, "bea")["calendar_feed_url"])
    other_tenant = feed(api, integrations(api, "ada", "globex")["calendar_feed_url"])
    for response in (bea, other_tenant):
        assert response.status_code == 200
        assert b"Ada's Only" not in response.body
