"""A contact is its owner's alone: another tenant, and another user of the same tenant (a coach
included), get the same 404 as for a contact that never existed, on every contact endpoint,
and change nothing.

The endpoints come from the app's own route table, so one added later is covered here too.
"""

from __future__ import annotations

from typing import Any

import pytest

from app import app
from tests.api.conftest import Api, body_of

NOTE = {"type": "research_noted", "subject": "person", "text": "Leads the platform team."}

# (tenant, user, roles) of callers who must not see ada@acme's contact.
INTRUDERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "the same user id in another tenant": ("globex", "ada", ()),
    "another tenant's user": ("globex", "mallory", ()),
    "another user of the same tenant": ("acme", "bob", ()),
    "a coach of the same tenant": ("acme", "lee", ("coach",)),
}


def _contact_routes() -> list[tuple[str, str]]:
    """Every (method, path) that names one contact; DELETE last, since it would erase."""
    routes = [
        (method, path)
        for path, methods in app.routes.items()
        if "{contact_id}" in path
        for method in methods
    ]
    return sorted(routes, key=lambda route: route[0] == "DELETE")


def _send(api: Api, token: str, method: str, path: str, **headers: str) -> Any:
    body = NOTE if method == "POST" else None
    return api.call(method, path, body, token=token, headers=headers)


def _owned_contact(api: Api, owner: str) -> str:
    created = api.call(
        "POST", "/contacts", {"name": "Ada Park", "email": "ada@example.com"}, token=owner
    )
    assert created.status_code == 201
    contact_id = str(body_of(created)["contact_id"])
    noted = api.call(
        "POST",
        f"/contacts/{contact_id}/events",
        NOTE,
        token=owner,
        headers={"Idempotency-Key": "note-1"},
    )
    assert noted.status_code == 201
    return contact_id


def test_the_contact_endpoints_are_the_ones_this_file_expects() -> None:
    found = set(_contact_routes())
    assert {
        ("GET", "/contacts/{contact_id}"),
        ("GET", "/contacts/{contact_id}/events"),
        ("POST", "/contacts/{contact_id}/events"),
    } <= found
    assert found <= {
        ("GET", "/contacts/{contact_id}"),
        ("DELETE", "/contacts/{contact_id}"),
        ("GET", "/contacts/{contact_id}/events"),
        ("POST", "/contacts/{contact_id}/events"),
    }, "a new contact endpoint: give it a body in _send if it takes one"


@pytest.mark.parametrize("intruder", INTRUDERS.values(), ids=INTRUDERS.keys())
def test_someone_else_gets_404_for_the_contact_on_every_endpoint(
    api: Api, intruder: tuple[str, str, tuple[str, ...]]
) -> None:
    owner = api.token(tenant="acme", user="ada")
    contact_id = _owned_contact(api, owner)
    before = body_of(api.call("GET", f"/contacts/{contact_id}/events", token=owner))
    tenant, user, roles = intruder
    token = api.token(tenant=tenant, user=user, roles=roles)
    missing = body_of(api.call("GET", "/contacts/0000000000000000", token=token))

    for method, route in _contact_routes():
        path = route.replace("{contact_id}", contact_id)
        # With the contact's real version and the owner's own idempotency key: neither may
        # turn the 404 into a 412 or a replay of the owner's answer.
        response = _send(
            api, token, method, path, **{"If-Match": '"2"', "Idempotency-Key": "note-1"}
        )
        assert response.status_code == 404, (method, route, body_of(response))
        assert body_of(response) == missing, "the 404 must not tell a foreign contact apart"

    after = body_of(api.call("GET", f"/contacts/{contact_id}/events", token=owner))
    assert after == before
    assert body_of(api.call("GET", f"/contacts/{contact_id}", token=owner))["name"] == "Ada Park"
