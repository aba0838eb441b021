"""`GET /me/export`: the caller's settings and every contact with every event, as JSON, or one
CSV row per contact with formula-looking cells defused; never another user's or tenant's."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.bootstrap import Services
from chalicelib.service.export import CSV_COLUMNS, as_csv
from tests.api.conftest import Api, DynamoDBCalls, body_of
from tests.projections.support import pump_for


@pytest.fixture
def drain(services: Services) -> Callable[[], int]:
    return pump_for(services).drain


def _add(api: Api, token: str, **fields: Any) -> str:
    response = api.call("POST", "/contacts", fields, token=token)
    assert response.status_code == 201, body_of(response)
    return str(body_of(response)["contact_id"])


def _export(api: Api, token: str, query: str = "") -> Any:
    return api.call("GET", f"/me/export{query}", token=token)


@pytest.fixture
def contacts(api: Api, drain: Callable[[], int]) -> dict[str, str]:
    token = api.token()
    ada = _add(api, token, name="Ada Park", company="Acme", notes='=HYPERLINK("x")')
    path = f"/contacts/{ada}/events"
    assert api.call("POST", path, {"type": "outreach_sent"}, token=token).status_code == 201
    bob = _add(api, token, name="+Bob", role="-Engineer", company="@Corp")
    gone = _add(api, token, name="Eve Gone")
    _add(api, api.token(user="bob"), name="Bob's own")
    _add(api, api.token(tenant="globex"), name="Globex person")
    drain()
    assert api.call("DELETE", f"/contacts/{gone}", token=token).status_code == 204
    drain()
    return {"ada": ada, "bob": bob, "gone": gone}


def test_the_json_export_holds_every_contact_as_its_endpoints_show_it(
    api: Api, contacts: dict[str, str]
) -> None:
    token = api.token()
    response = _export(api, token)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    day = api.clock.now().date().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="rapport-export-{day}.json"'
    )
    export = body_of(response)
    assert set(export) == {"exported_at", "settings", "contacts"}
    assert export["settings"]["email"] == "ada@example.com"
    by_id = {contact["contact_id"]: contact for contact in export["contacts"]}
    assert set(by_id) == set(contacts.values())
    for key in ("ada", "bob"):
        contact_id = contacts[key]
        alone = body_of(api.call("GET", f"/contacts/{contact_id}", token=token))
        events = body_of(api.call("GET", f"/contacts/{contact_id}/events", token=token))
        exported = dict(by_id[contact_id])
        assert exported.pop("events") == events["items"]
        assert exported == alone
    assert [e["type"] for e in by_id[contacts["ada"]]["events"]] == [
        "contact_added",
        "outreach_sent",
    ]


def test_an_erased_contact_is_exported_as_its_tombstone(api: Api, contacts: dict[str, str]) -> None:
    export = body_of(_export(api, api.token()))
    (tombstone,) = [c for c in export["contacts"] if c["contact_id"] == contacts["gone"]]

    assert tombstone["erased"] is True
    assert set(tombstone) == {"contact_id", "erased", "events"}
    assert "contact_erased" in [event["type"] for event in tombstone["events"]]
    # Its events are what they were and when: their data went with the person.
    assert all(
        set(event) == {"version", "type", "occurred_at", "recorded_at"}
        for event in tombstone["events"]
    )
    assert b"Eve Gone" not in _export(api, api.token()).body


def test_the_csv_export_is_one_row_per_contact_with_formulas_defused(
    api: Api, contacts: dict[str, str]
) -> None:
    response = _export(api, api.token(), "?format=csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    day = api.clock.now().date().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="rapport-export-{day}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.body.decode())))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_id = {row["contact_id"]: row for row in rows}
    assert set(by_id) == set(contacts.values())
    ada, bob = by_id[contacts["ada"]], by_id[contacts["bob"]]
    assert (ada["name"], ada["company"], ada["status"]) == ("Ada Park", "Acme", "reaching_out")
    assert ada["notes"] == '\'=HYPERLINK("x")'
    assert ada["next_action"] == "follow_up"
    assert ada["next_action_due_at"]
    assert (bob["name"], bob["role"], bob["company"]) == ("'+Bob", "'-Engineer", "'@Corp")
    assert by_id[contacts["gone"]]["status"] == "erased"
    assert by_id[contacts["gone"]]["name"] == ""


def test_another_users_or_tenants_contacts_are_never_exported(
    api: Api, contacts: dict[str, str]
) -> None:
    names = [c.get("name") for c in body_of(_export(api, api.token()))["contacts"]]
    assert "Bob's own" not in names
    assert "Globex person" not in names
    for tenant, user in (("acme", "bob"), ("globex", "ada")):
        (only,) = body_of(_export(api, api.token(tenant=tenant, user=user)))["contacts"]
        assert only["name"] in ("Bob's own", "Globex person")
    assert body_of(_export(api, api.token(user="carol")))["contacts"] == []


@pytest.mark.parametrize("query", ["?format=xml", "?format=JSON"])
def test_another_format_gets_400_naming_it(api: Api, query: str) -> None:
    response = _export(api, api.token(), query)

    assert response.status_code == 400
    assert [problem["field"] for problem in body_of(response)["error"]["fields"]] == ["format"]


def test_the_export_needs_a_token(api: Api) -> None:
    assert api.call("GET", "/me/export").status_code == 401


def test_the_export_never_scans(api: Api, contacts: dict[str, str], calls: DynamoDBCalls) -> None:
    calls.take()
    assert _export(api, api.token()).status_code == 200
    made = calls.take()
    assert "Scan" not in made
    assert set(made) <= {"Query", "GetItem"}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_gets_a_leading_apostrophe(start: str) -> None:
    text = as_csv({"contacts": [{"contact_id": "c-1", "notes": f"{start}1+1", "name": "a=b"}]})
    (row,) = csv.DictReader(io.StringIO(text))

    assert row["notes"] == f"'{start}1+1"
    assert row["name"] == "a=b"
