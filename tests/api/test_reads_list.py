"""`GET /contacts`: the projections' list, newest first, in pages behind an opaque cursor that
cannot be forged, moved to another query, or carried into another tenant."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.bootstrap import Services
from tests.api.conftest import Api, body_of
from tests.domain.builders import ADDED
from tests.projections.support import pump_for, seed_views


@pytest.fixture
def drain(services: Services) -> Callable[[], int]:
    return pump_for(services).drain


def _add(api: Api, token: str, name: str) -> str:
    response = api.call("POST", "/contacts", {"name": name}, token=token)
    assert response.status_code == 201
    return str(body_of(response)["contact_id"])


def _list(api: Api, token: str, query: str = "") -> Any:
    return api.call("GET", f"/contacts{query}", token=token)


def _page(api: Api, token: str, query: str = "") -> dict[str, Any]:
    response = _list(api, token, query)
    assert response.status_code == 200, body_of(response)
    return dict(body_of(response))


def test_120_contacts_come_in_pages_of_50_newest_first_with_no_duplicate_and_no_gap(
    api: Api, services: Services
) -> None:
    added = seed_views(services, "acme", "ada", [ADDED] * 120, api.clock.now())
    token = api.token()

    pages = [_page(api, token, "?limit=50")]
    while pages[-1]["next_cursor"]:
        pages.append(_page(api, token, f"?limit=50&cursor={pages[-1]['next_cursor']}"))

    assert [len(page["items"]) for page in pages] == [50, 50, 20]
    listed = [item["contact_id"] for page in pages for item in page["items"]]
    assert listed == list(reversed(added))


def test_the_list_shows_each_contact_as_its_own_endpoint_does(
    api: Api, drain: Callable[[], int]
) -> None:
    token = api.token()
    contact_id = _add(api, token, "Ada Park")
    steps = [
        {"type": "outreach_sent", "message": "Coffee?"},
        {"type": "reply_received", "outcome": "accepted"},
        {"type": "interview_scheduled", "starts_at": "2026-12-03T15:00:00Z", "location": "Zoom"},
    ]
    for step in steps:
        response = api.call("POST", f"/contacts/{contact_id}/events", step, token=token)
        assert response.status_code == 201
    drain()

    for later in (timedelta(0), timedelta(days=7)):  # prepare questions, then attend
        api.clock.advance(later)
        token = api.token()
        (listed,) = _page(api, token)["items"]
        alone = body_of(api.call("GET", f"/contacts/{contact_id}", token=token))
        assert listed == alone


def test_the_status_filter_lists_that_status_only(api: Api, drain: Callable[[], int]) -> None:
    token = api.token()
    reaching = _add(api, token, "Rae")
    _add(api, token, "Ida")
    path = f"/contacts/{reaching}/events"
    assert api.call("POST", path, {"type": "outreach_sent"}, token=token).status_code == 201
    drain()

    page = _page(api, token, "?status=reaching_out")

    assert [item["contact_id"] for item in page["items"]] == [reaching]
    assert page["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?limit=ten", "limit"),
        ("?status=pending", "status"),
        ("?cursor=not-a-cursor", "cursor"),
    ],
)
def test_a_bad_query_parameter_gets_400_naming_it(api: Api, query: str, field: str) -> None:
    response = _list(api, api.token(), query)

    assert response.status_code == 400
    assert [problem["field"] for problem in body_of(response)["error"]["fields"]] == [field]


@pytest.fixture
def acme_cursor(api: Api, drain: Callable[[], int]) -> str:
    """A genuine cursor of ada's (tenant acme) first page of two contacts."""
    token = api.token(tenant="acme", user="ada")
    for name in ("Secret One", "Secret Two"):
        api.clock.advance(timedelta(minutes=1))
        _add(api, token, name)
    drain()
    cursor = _page(api, token, "?limit=1")["next_cursor"]
    assert cursor
    return str(cursor)


@pytest.mark.parametrize(
    ("tenant", "user"), [("globex", "ada"), ("globex", "mallory"), ("acme", "bob")]
)
def test_someone_elses_cursor_shows_nothing_of_ada_and_gets_400(
    api: Api, acme_cursor: str, tenant: str, user: str
) -> None:
    response = _list(api, api.token(tenant=tenant, user=user), f"?limit=1&cursor={acme_cursor}")

    assert response.status_code == 400
    assert body_of(response)["error"]["code"] == "invalid_cursor"
    assert b"Secret" not in response.body


def test_a_cursor_carried_into_another_query_gets_400(api: Api, acme_cursor: str) -> None:
    response = _list(api, api.token(), f"?status=identified&cursor={acme_cursor}")

    assert response.status_code == 400
    assert body_of(response)["error"]["code"] == "invalid_cursor"


def test_a_tampered_cursor_gets_400(api: Api, acme_cursor: str) -> None:
    payload, _, signature = acme_cursor.partition(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    decoded["q"][0] = "globex"
    forged = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    flipped = acme_cursor[:-2] + ("A" if acme_cursor[-2] != "A" else "B") + acme_cursor[-1]

    for cursor in (f"{forged}.{signature}", flipped, payload):
        response = _list(api, api.token(tenant="globex"), f"?cursor={cursor}")
        assert response.status_code == 400
        assert body_of(response)["error"]["code"] == "invalid_cursor"
    assert _page(api, api.token(), f"?limit=1&cursor={acme_cursor}")["items"]
