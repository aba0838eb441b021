"""What the read side costs in DynamoDB requests, counted by a botocore hook on the client.

A dashboard is one GetItem whether the user has 5 contacts or 500, and a tenant's one
BatchGetItem of its fixed shards; a list page is one Query; and neither they nor the projector
ever Scan.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.bootstrap import Services
from chalicelib.domain import events as ev
from tests.api.conftest import Api, DynamoDBCalls, body_of, met
from tests.projections.support import pump_for, seed_views

DASHBOARD = ["GetItem"]
# Who shares (the members' partition: nobody here), then the tenant's shards.
TENANT_DASHBOARD = ["Query", "BatchGetItem"]


SOON = datetime(2026, 12, 10, 15, tzinfo=UTC)


def _mixed(count: int) -> list[ev.EventData]:
    """Contacts in several statuses, with actions due and interviews to come."""
    steps: list[ev.EventData] = [
        ev.ContactAdded(name="x"),
        ev.OutreachSent(),
        ev.InterviewScheduled(starts_at=SOON),
        ev.ContactArchived(),
    ]
    return [steps[n % len(steps)] for n in range(count)]


def test_the_dashboard_costs_the_same_for_5_contacts_as_for_500(
    api: Api, services: Services, calls: DynamoDBCalls
) -> None:
    start = api.clock.now() - timedelta(days=30)
    seed_views(services, "acme", "few", _mixed(5), start)
    seed_views(services, "acme", "many", _mixed(500), start)
    coach = api.token(user="c", roles=["coach"])
    met(api, api.token(user="few"), api.token(user="many"), coach)
    calls.take()

    few = api.call("GET", "/dashboard", token=api.token(user="few"))
    few_calls = calls.take()
    many = api.call("GET", "/dashboard", token=api.token(user="many"))
    many_calls = calls.take()
    tenant = api.call("GET", "/tenant/dashboard", token=coach)

    assert few_calls == many_calls == DASHBOARD
    assert calls.take() == TENANT_DASHBOARD
    assert sum(body_of(few)["counts"].values()) == 5
    assert sum(body_of(many)["counts"].values()) == 500
    assert len(body_of(many)["due_actions"]) == 20
    assert len(body_of(many)["upcoming_interviews"]) == 10
    assert sum(body_of(tenant)["counts"].values()) == 505


def test_a_list_page_is_one_query_however_many_contacts_there_are(
    api: Api, services: Services, calls: DynamoDBCalls
) -> None:
    seed_views(services, "acme", "ada", _mixed(300), api.clock.now() - timedelta(days=1))
    token = api.token()
    met(api, token)
    calls.take()

    first = body_of(api.call("GET", "/contacts?limit=100", token=token))
    second = api.call("GET", f"/contacts?limit=100&cursor={first['next_cursor']}", token=token)
    filtered = api.call("GET", "/contacts?status=archived&limit=100", token=token)

    assert calls.take() == ["Query", "Query", "Query"]
    assert len(body_of(second)["items"]) == 100
    assert len(body_of(filtered)["items"]) == 75


def test_the_projector_list_dashboards_and_erasure_never_scan(
    api: Api, services: Services, calls: DynamoDBCalls
) -> None:
    token, coach = api.token(), api.token(user="cora", roles=["coach"])
    pump = pump_for(services)
    ids = []
    for name in ("Ada", "Bo", "Cy"):
        created = api.call("POST", "/contacts", {"name": name}, token=token)
        ids.append(body_of(created)["contact_id"])
    step = {"type": "outreach_sent"}
    api.call("POST", f"/contacts/{ids[0]}/events", step, token=token)
    pump.drain()
    api.call("PUT", "/me/settings", {"timezone": "Asia/Tokyo"}, token=token)
    pump.drain()

    for path in ("/contacts", "/contacts?status=identified", "/dashboard"):
        assert api.call("GET", path, token=token).status_code == 200
    assert api.call("GET", "/tenant/dashboard", token=coach).status_code == 200
    assert api.call("DELETE", f"/contacts/{ids[1]}", token=token).status_code == 204
    pump.drain()

    seen = calls.take()
    assert "TransactWriteItems" in seen  # the projector did run
    assert "Scan" not in seen
