"""`GET /contacts?q=`: the caller's contacts whose name, company or role contains the text,
ignoring case and accents; a filtered Query of the caller's own list, never a Scan, in pages
behind cursors bound to the search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.bootstrap import Services
from tests.api.conftest import Api, DynamoDBCalls, body_of, met
from tests.domain.builders import ADDED
from tests.projections.support import pump_for, seed_views


@pytest.fixture
def drain(services: Services) -> Callable[[], int]:
    return pump_for(services).drain


def _add(api: Api, token: str, name: str, **fields: str) -> str:
    response = api.call("POST", "/contacts", {"name": name, **fields}, token=token)
    assert response.status_code == 201, body_of(response)
    return str(body_of(response)["contact_id"])


def _search(api: Api, token: str, q: str, extra: str = "") -> Any:
    return api.call("GET", f"/contacts?q={quote(q)}{extra}", token=token)


def _found(api: Api, token: str, q: str, extra: str = "") -> list[str]:
    response = _search(api, token, q, extra)
    assert response.status_code == 200, body_of(response)
    return [item["name"] for item in body_of(response)["items"]]


@pytest.fixture
def people(api: Api, drain: Callable[[], int]) -> str:
    token = api.token()
    _add(api, token, "José Álvarez", company="Globex", role="Data Engineer")
    _add(api, token, "Zoë Quinn", company="Initech", role="Staff Designer")
    _add(api, token, "Ada Park", company="Société Générale", role="Analyst")
    drain()
    return token


def test_search_ignores_case_and_accents_on_both_sides(api: Api, people: str) -> None:
    assert _found(api, people, "jose") == ["José Álvarez"]
    assert _found(api, people, "ZOE") == ["Zoë Quinn"]
    assert _found(api, people, "ZOË") == ["Zoë Quinn"]
    assert _found(api, people, "alvarez") == ["José Álvarez"]


def test_search_matches_company_and_role(api: Api, people: str) -> None:
    assert _found(api, people, "societe") == ["Ada Park"]
    assert _found(api, people, "designer") == ["Zoë Quinn"]
    assert sorted(_found(api, people, "e")) == ["Ada Park", "José Álvarez", "Zoë Quinn"]
    assert _found(api, people, "nobody") == []


def test_search_combines_with_status(api: Api, drain: Callable[[], int]) -> None:
    token = api.token()
    reaching = _add(api, token, "Rae Jones")
    _add(api, token, "Ray Jones")
    path = f"/contacts/{reaching}/events"
    assert api.call("POST", path, {"type": "outreach_sent"}, token=token).status_code == 201
    drain()

    assert sorted(_found(api, token, "jones")) == ["Rae Jones", "Ray Jones"]
    assert _found(api, token, "jones", "&status=reaching_out") == ["Rae Jones"]
    assert _found(api, token, "ray", "&status=reaching_out") == []


def test_another_tenants_or_users_contacts_are_never_found(api: Api, people: str) -> None:
    for tenant, user in (("globex", "ada"), ("acme", "bob")):
        assert _found(api, api.token(tenant=tenant, user=user), "jose") == []


def test_erased_contacts_are_never_found(api: Api, drain: Callable[[], int]) -> None:
    token = api.token()
    erased = _add(api, token, "Eve Gone")
    drain()
    assert _found(api, token, "eve") == ["Eve Gone"]
    assert api.call("DELETE", f"/contacts/{erased}", token=token).status_code == 204
    drain()

    assert _found(api, token, "eve") == []


def test_a_search_spanning_many_query_pages_pages_with_no_duplicate_and_no_gap(
    api: Api, services: Services
) -> None:
    """250 contacts "Person 0".."Person 249": "person 7" matches 11, all past the first
    Query page."""
    added = seed_views(services, "acme", "ada", [ADDED] * 250, api.clock.now())
    token = api.token()
    expected = [cid for n, cid in enumerate(added) if "person 7" in f"person {n}"]

    pages = [dict(body_of(_search(api, token, "Person 7", "&limit=5")))]
    while pages[-1]["next_cursor"]:
        cursor = pages[-1]["next_cursor"]
        response = _search(api, token, "Person 7", f"&limit=5&cursor={cursor}")
        assert response.status_code == 200, body_of(response)
        pages.append(dict(body_of(response)))

    assert all(len(page["items"]) <= 5 for page in pages)
    listed = [item["contact_id"] for page in pages for item in page["items"]]
    assert listed == list(reversed(expected))
    assert len(listed) == 11


def test_a_search_matching_nothing_stops_after_a_bounded_read_and_continues(
    api: Api, services: Services, calls: DynamoDBCalls
) -> None:
    seed_views(services, "acme", "ada", [ADDED] * 520, api.clock.now())
    token = api.token()
    met(api, token)
    calls.take()

    first = dict(body_of(_search(api, token, "nobody")))
    assert calls.take() == ["Query"] * 5
    assert first["items"] == []
    assert first["next_cursor"]

    second = dict(body_of(_search(api, token, "nobody", f"&cursor={first['next_cursor']}")))
    assert second == {"items": [], "next_cursor": None}
    assert "Scan" not in calls.take()


def test_a_search_costs_queries_only(api: Api, people: str, calls: DynamoDBCalls) -> None:
    calls.take()
    assert _found(api, people, "jose") == ["José Álvarez"]
    assert calls.take() == ["Query"]


@pytest.fixture
def search_cursor(api: Api, drain: Callable[[], int]) -> str:
    token = api.token()
    for name in ("Secret One", "Secret Two", "Other Three"):
        api.clock.advance(timedelta(minutes=1))
        _add(api, token, name)
    drain()
    first = body_of(_search(api, token, "secret", "&limit=1"))
    assert [item["name"] for item in first["items"]] == ["Secret Two"]
    cursor = first["next_cursor"]
    assert cursor
    return str(cursor)


@pytest.mark.parametrize(
    ("tenant", "user", "query"),
    [
        ("acme", "ada", "?q=other"),
        ("acme", "ada", ""),
        ("acme", "ada", "?q=secret&status=reaching_out"),
        ("acme", "bob", "?q=secret"),
        ("globex", "ada", "?q=secret"),
    ],
)
def test_a_search_cursor_is_refused_on_another_query_user_or_tenant(
    api: Api, search_cursor: str, tenant: str, user: str, query: str
) -> None:
    joiner = "&" if query else "?"
    path = f"/contacts{query}{joiner}limit=1&cursor={search_cursor}"
    response = api.call("GET", path, token=api.token(tenant=tenant, user=user))

    assert response.status_code == 400
    assert body_of(response)["error"]["code"] == "invalid_cursor"
    assert b"Secret" not in response.body


def test_a_search_cursor_continues_its_own_search(api: Api, search_cursor: str) -> None:
    page = body_of(_search(api, api.token(), "SECRET", f"&limit=1&cursor={search_cursor}"))
    assert [item["name"] for item in page["items"]] == ["Secret One"]


@pytest.mark.parametrize("q", ["", "x" * 101, "\u0301"])
def test_an_empty_or_too_long_q_gets_400_naming_it(api: Api, q: str) -> None:
    response = _search(api, api.token(), q)

    assert response.status_code == 400
    assert [problem["field"] for problem in body_of(response)["error"]["fields"]] == ["q"]


def test_q_of_100_characters_is_accepted(api: Api) -> None:
    assert _search(api, api.token(), "x" * 100).status_code == 200
