"""`POST /contacts/import` end to end over moto: LinkedIn's export and simple CSVs, the preview,
per-row errors, duplicates, a second import that creates nothing, and a thousand rows in one
request at a bounded number of DynamoDB requests."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters import aws
from chalicelib.adapters.stream_pump import StreamPump
from chalicelib.bootstrap import Services
from chalicelib.eventstore.port import StreamId
from tests.api.conftest import Api, DynamoDBCalls, body_of, is_membership_record
from tests.projections.support import pump_for

FIXTURES = Path(__file__).resolve().parents[1] / "contact_import" / "fixtures"
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def pump(services: Services) -> StreamPump:
    return pump_for(services)


def upload(api: Api, data: bytes, *, dry_run: bool = False, user: str = "ada") -> Any:
    path = "/contacts/import" + ("?dry_run=true" if dry_run else "")
    return api.call("POST", path, token=api.token("acme", user), headers=CSV, raw=data)


def contacts(api: Api, user: str = "ada") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    path = "/contacts?limit=100"
    while True:
        page = body_of(api.call("GET", path, token=api.token("acme", user)))
        items += page["items"]
        if not page.get("next_cursor"):
            return items
        path = f"/contacts?limit=100&cursor={page['next_cursor']}"


def events_table(api: Api) -> list[str]:
    client = aws.client("dynamodb", api.settings)
    pages = client.get_paginator("scan").paginate(TableName=api.settings.events_table)
    return sorted(
        json.dumps(item, sort_keys=True)
        for page in pages
        for item in page["Items"]
        if not is_membership_record(item)
    )


def linkedin() -> bytes:
    return (FIXTURES / "linkedin_connections.csv").read_bytes()


def test_a_dry_run_previews_and_writes_nothing(api: Api) -> None:
    before = events_table(api)
    response = upload(api, linkedin(), dry_run=True)
    assert response.status_code == 200, body_of(response)
    report = body_of(response)
    assert "created" not in report
    assert report["rows"] == len(report["new"]) + len(report["duplicates"]) + len(report["errors"])
    grace = next(row for row in report["new"] if row["name"] == "Grace Hopper")
    assert grace["company"] == "US Navy, Reserve"
    assert grace["email"] == "grace@example.com"
    assert grace["linkedin_url"] == "https://www.linkedin.com/in/grace-hopper"
    assert events_table(api) == before


def test_linkedins_export_imports_and_a_second_import_creates_nothing(
    api: Api, pump: StreamPump
) -> None:
    preview = body_of(upload(api, linkedin(), dry_run=True))
    response = upload(api, linkedin())
    assert response.status_code == 201, body_of(response)
    report = body_of(response)
    assert report["created"] == [row["contact_id"] for row in report["new"]]
    assert report["new"] == preview["new"], "the preview is what the import does"
    pump.drain()
    listed = {c["contact_id"]: c for c in contacts(api)}
    assert set(report["created"]) <= set(listed)
    ada = next(c for c in listed.values() if c["name"] == "Ada Lovelace")
    assert ada["email"] is None
    assert ada["status"] == "identified"
    assert "Connected on LinkedIn on 2024-03-15." in (ada["notes"] or "")

    again = upload(api, linkedin())
    assert again.status_code == 201
    second = body_of(again)
    assert second["created"] == []
    assert second["new"] == []
    assert {d["contact_id"] for d in second["duplicates"]} == set(report["created"])
    pump.drain()
    assert len(contacts(api)) == len(listed)


def test_the_same_file_twice_before_the_read_side_catches_up_creates_nothing(
    api: Api, pump: StreamPump
) -> None:
    first = body_of(upload(api, linkedin()))
    second = body_of(upload(api, linkedin()))  # no pump in between: the views are empty
    assert second["created"] == []
    assert sorted(d["contact_id"] for d in second["duplicates"]) == sorted(first["created"])


def test_a_bad_row_is_reported_by_line_and_the_others_import(api: Api, pump: StreamPump) -> None:
    response = upload(api, (FIXTURES / "bad_row.csv").read_bytes())
    assert response.status_code == 201
    report = body_of(response)
    [error] = report["errors"]
    assert error["line"] == 3
    assert "email" in error["message"].lower()
    assert {row["name"] for row in report["new"]} == {"Ada Lovelace", "Alan Turing"}
    pump.drain()
    assert {c["name"] for c in contacts(api)} == {"Ada Lovelace", "Alan Turing"}


def test_duplicates_of_existing_contacts_by_url_email_and_name_company(
    api: Api, pump: StreamPump
) -> None:
    token = api.token()
    existing = {}
    for details in (
        {"name": "A. Lovelace", "linkedin_url": "https://linkedin.com/in/ADA-lovelace/"},
        {"name": "Rear Adm. Hopper", "email": "GRACE@example.com"},
        {"name": "alan  turing", "company": "bletchley park"},
    ):
        created = api.call("POST", "/contacts", details, token=token)
        assert created.status_code == 201, body_of(created)
        existing[details["name"]] = body_of(created)["contact_id"]
    pump.drain()
    data = (
        b"Name,Email,Company,LinkedIn URL\n"
        b"Ada Lovelace,,Analytical Engines,https://www.linkedin.com/in/ada-lovelace\n"
        b"Grace Hopper,grace@example.com,US Navy,\n"
        b"Alan Turing,,Bletchley Park,\n"
        b"Alan Turing,,Manchester,\n"
    )
    report = body_of(upload(api, data, dry_run=True))
    assert {(d["line"], d["contact_id"]) for d in report["duplicates"]} == {
        (2, existing["A. Lovelace"]),
        (3, existing["Rear Adm. Hopper"]),
        (4, existing["alan  turing"]),
    }
    assert [row["line"] for row in report["new"]] == [5]


def test_another_users_contacts_are_not_duplicates(api: Api, pump: StreamPump) -> None:
    body_of(upload(api, linkedin()))
    pump.drain()
    beas = body_of(upload(api, linkedin(), user="bea"))
    assert beas["duplicates"] == []
    assert len(beas["created"]) > 0
    pump.drain()
    ada_ids = {c["contact_id"] for c in contacts(api)}
    assert not ada_ids & set(beas["created"])


def test_an_erased_contact_is_not_imported_again(api: Api, pump: StreamPump) -> None:
    report = body_of(upload(api, b"Name,Email\nZelda Quist,zelda@example.com\n"))
    [zelda] = report["created"]
    pump.drain()
    erased = api.call("DELETE", f"/contacts/{zelda}", token=api.token())
    assert erased.status_code in (200, 204), body_of(erased)
    pump.drain()
    again = body_of(upload(api, b"Name,Email\nZelda Quist,zelda@example.com\n"))
    assert again["created"] == []
    [error] = again["errors"]
    assert error["line"] == 2
    assert "erased" in error["message"]


def test_a_windows_1252_file_arrives_as_its_own_bytes(api: Api) -> None:
    data = "Name,Company\nZoë Ångström,Café Noir\n".encode("cp1252")
    report = body_of(upload(api, data, dry_run=True))
    assert report["new"][0]["name"] == "Zoë Ångström"
    assert report["new"][0]["company"] == "Café Noir"


@pytest.mark.parametrize(
    ("data", "query", "status", "field"),
    [
        (b"Email,Company\nx@example.com,Acme\n", "", 400, "body"),
        (b"", "", 400, "body"),
        (b"\xff\xfe\x00garbage", "", 400, "body"),
        (b"Name\nAda\n", "?dry_run=maybe", 400, "dry_run"),
        (b"Name\n" + b"A" * (5 * 1024 * 1024), "", 413, None),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_and_writes_nothing(
    api: Api, data: bytes, query: str, status: int, field: str | None
) -> None:
    before = events_table(api)
    response = api.call(
        "POST", "/contacts/import" + query, token=api.token(), headers=CSV, raw=data
    )
    assert response.status_code == status, body_of(response)
    if field is not None:
        assert [p["field"] for p in body_of(response)["error"]["fields"]] == [field]
    assert events_table(api) == before


def test_the_import_needs_a_token_and_a_csv(api: Api) -> None:
    assert api.call("POST", "/contacts/import", headers=CSV, raw=b"Name\nAda\n").status_code == 401
    response = api.call(
        "POST",
        "/contacts/import",
        token=api.token(),
        headers={"Content-Type": "application/json"},
        raw=b'{"name": "Ada"}',
    )
    assert response.status_code == 415


def thousand_rows() -> bytes:
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    for n in range(1000):
        lines.append(
            f"Person,Number {n},https://www.linkedin.com/in/person-{n},,Company {n % 37},"
            f"Engineer,{1 + n % 28:02d} Mar 2024"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_thousand_rows_import_in_one_request_with_batched_writes(
    api: Api, services: Services, calls: DynamoDBCalls
) -> None:
    calls.take()
    response = upload(api, thousand_rows())
    assert response.status_code == 201, body_of(response)
    created = body_of(response)["created"]
    assert len(created) == 1000 == len(set(created))
    made = Counter(calls.take())
    assert sum(made.values()) <= 0.2 * 1000, made
    assert made["BatchWriteItem"] == 40
    assert made["BatchGetItem"] == 10
    # Every stream holds its first event. (Projecting a thousand contacts through moto takes
    # minutes: the projector's share is the bench's and the smaller tests' business.)
    streams = [StreamId("acme", contact_id) for contact_id in created]
    assert services.event_store.started(streams) == set(streams)
    calls.take()
    again = body_of(upload(api, thousand_rows()))
    assert again["created"] == []
    assert len(again["duplicates"]) == 1000
    assert "BatchWriteItem" not in calls.take()


def test_a_json_body_is_a_415_that_names_csv(api: Api) -> None:
    response = api.call("POST", "/contacts/import", {"name": "Ada"}, token=api.token())
    assert response.status_code == 415
    assert "text/csv" in body_of(response)["error"]["message"]


def test_a_file_sent_as_bytes_imports_the_same(api: Api) -> None:
    data = "Name,Company\nZoë Ångström,Café Noir\n".encode("cp1252")
    response = api.call(
        "POST",
        "/contacts/import?dry_run=true",
        token=api.token(),
        headers={"Content-Type": "application/octet-stream"},
        raw=data,
    )
    assert response.status_code == 200, body_of(response)
    assert body_of(response)["new"][0]["name"] == "Zoë Ångström"
