"""What each request costs in DynamoDB calls, counted by a botocore hook on the services' client.

A command is one strongly consistent Query and one write; a read of one contact is one Query;
and no request path ever Scans. The user's settings are cached for a minute per warm Lambda,
so each test first makes a warm-up request, as a warm container would have.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

import pytest

from app import app
from chalicelib.domain.vocabulary import Action
from chalicelib.reminders.unsubscribe import accepted_secrets, make_unsubscribe_token
from chalicelib.service.undo_links import UndoLink, UndoLinks
from tests.api.confirmation_mail import confirmation_path
from tests.api.conftest import Api, DynamoDBCalls, body_of
from tests.api.snooze_link_support import snooze_path, snooze_token
from tests.api.tenancy_support import join_token_of
from tests.webhooks.signing import calcom_header, calendly_header, load_fixture

NOTE = {"type": "research_noted", "subject": "company", "text": "Acme builds payment rails."}


@pytest.fixture
def contact_id(api: Api, calls: DynamoDBCalls) -> str:
    """ada's contact, added first: the warm-up that saves and caches her settings."""
    created = api.call("POST", "/contacts", {"name": "Ada Park"}, token=api.token())
    assert created.status_code == 201
    calls.take()
    return str(body_of(created)["contact_id"])


def _post_step(api: Api, contact_id: str, **headers: str) -> None:
    path = f"/contacts/{contact_id}/events"
    response = api.call("POST", path, NOTE, token=api.token(), headers=headers)
    assert response.status_code == 201, body_of(response)


def test_recording_a_step_costs_one_query_and_one_put(
    api: Api, calls: DynamoDBCalls, contact_id: str
) -> None:
    _post_step(api, contact_id)
    assert calls.take() == ["Query", "PutItem"]


def test_a_step_with_an_idempotency_key_costs_one_query_and_one_transaction(
    api: Api, calls: DynamoDBCalls, contact_id: str
) -> None:
    _post_step(api, contact_id, **{"Idempotency-Key": "note-1"})
    assert calls.take() == ["Query", "TransactWriteItems"]


def test_replaying_an_idempotent_step_costs_one_query_and_no_write(
    api: Api, calls: DynamoDBCalls, contact_id: str
) -> None:
    _post_step(api, contact_id, **{"Idempotency-Key": "note-1"})
    calls.take()
    _post_step(api, contact_id, **{"Idempotency-Key": "note-1"})
    assert calls.take() == ["Query"]


def test_a_stale_if_match_costs_one_query_and_no_write(
    api: Api, calls: DynamoDBCalls, contact_id: str
) -> None:
    path = f"/contacts/{contact_id}/events"
    response = api.call("POST", path, NOTE, token=api.token(), headers={"If-Match": '"7"'})
    assert response.status_code == 412
    assert calls.take() == ["Query"]


def test_adding_a_contact_costs_one_put(api: Api, calls: DynamoDBCalls, contact_id: str) -> None:
    assert api.call("POST", "/contacts", {"name": "Bo"}, token=api.token()).status_code == 201
    assert calls.take() == ["PutItem"]  # a fresh random id has no history to read


def test_adding_a_contact_with_an_idempotency_key_costs_one_query_and_one_transaction(
    api: Api, calls: DynamoDBCalls, contact_id: str
) -> None:
    headers = {"Idempotency-Key": "add-bo"}
    response = api.call("POST", "/contacts", {"name": "Bo"}, token=api.token(), headers=headers)
    assert response.status_code == 201
    assert calls.take() == ["Query", "TransactWriteItems"]


def test_a_users_very_first_contact_also_saves_their_settings_once(
    api: Api, calls: DynamoDBCalls
) -> None:
    token = api.token(user="newcomer")
    assert api.call("POST", "/contacts", {"name": "Bo"}, token=token).status_code == 201
    # The authorizer sees a new user: one GetItem and one conditional PutItem register them.
    # Then one conditional PutItem saves the settings (or hands back saved ones); the event.
    assert calls.take() == ["GetItem", "PutItem", "PutItem", "PutItem"]
    assert api.call("POST", "/contacts", {"name": "Cy"}, token=token).status_code == 201
    assert calls.take() == ["PutItem"]


def test_a_cold_cache_never_overwrites_saved_settings_and_still_costs_two_writes(
    api: Api, calls: DynamoDBCalls
) -> None:
    token = api.token(user="returning")
    saved = {"timezone": "Asia/Tokyo", "email": "other@example.com"}
    assert api.call("PUT", "/me/settings", saved, token=token).status_code == 200
    api.clock.advance(timedelta(minutes=5))  # the settings cache has expired
    calls.take()

    assert api.call("POST", "/contacts", {"name": "Di"}, token=token).status_code == 201

    # The membership check's minute is over too: its GetItem, then the two writes.
    assert calls.take() == ["GetItem", "PutItem", "PutItem"]
    settings = body_of(api.call("GET", "/me/settings", token=token))
    assert settings["timezone"] == "Asia/Tokyo"
    # A new address waits for its confirmation link, kept apart from the settings item.
    assert (settings["email"], settings["pending_email"]) == (
        "returning@example.com",
        "other@example.com",
    )


@pytest.mark.parametrize("suffix", ["", "/events"])
def test_reading_a_contact_or_its_events_costs_one_query(
    api: Api, calls: DynamoDBCalls, contact_id: str, suffix: str
) -> None:
    response = api.call("GET", f"/contacts/{contact_id}{suffix}", token=api.token())
    assert response.status_code == 200
    assert calls.take() == ["Query"]


def test_a_cold_settings_cache_adds_one_get_item_to_a_read(
    api: Api, calls: DynamoDBCalls, contact_id: str
) -> None:
    api.clock.advance(timedelta(minutes=2))  # past the caches' minute
    response = api.call("GET", f"/contacts/{contact_id}", token=api.token())
    assert response.status_code == 200
    # The membership check (the authorizer's), the contact's Query, the settings' GetItem.
    assert calls.take() == ["GetItem", "Query", "GetItem"]


Request = Callable[[Api, str], Any]


def _unsubscribe_path(api: Api) -> str:
    token = make_unsubscribe_token(api.settings.unsubscribe_secret or "", "acme", "ada")
    return f"/unsubscribe?token={token}"


def _call(method: str, path: str, body: Any = None, **token_claims: Any) -> Request:
    def send(api: Api, contact_id: str) -> Any:
        concrete = path.replace("{contact_id}", contact_id)
        return api.call(method, concrete, body, token=api.token(**token_claims))

    return send


def _unsubscribe(method: str) -> Request:
    def send(api: Api, contact_id: str) -> Any:
        if method == "GET":
            return api.call("GET", _unsubscribe_path(api))
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        raw = b"List-Unsubscribe=One-Click"
        return api.call(method, _unsubscribe_path(api), headers=headers, raw=raw)

    return send


def _confirm_email(method: str) -> Request:
    def send(api: Api, contact_id: str) -> Any:
        address = f"{method.lower()}.confirmed@example.org"
        api.call("PUT", "/me/settings", {"email": address}, token=api.token())
        link = confirmation_path(api.settings, address)
        if method == "GET":
            return api.call("GET", link)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return api.call("POST", link, headers=headers, raw=b"")

    return send


def _snooze(method: str) -> Request:
    def send(api: Api, contact_id: str) -> Any:
        now = api.clock.now()
        token = snooze_token(api.settings, "acme", "ada", contact_id, Action.REACH_OUT, now)
        if method == "GET":
            return api.call("GET", snooze_path(token))
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return api.call("POST", snooze_path(token), headers=headers, raw=b"")

    return send


def _undo(method: str) -> Request:
    def send(api: Api, contact_id: str) -> Any:
        # The link an answer to an email carries for the contact's latest step.
        events = api.call("GET", f"/contacts/{contact_id}/events", token=api.token())
        version = max(item["version"] for item in body_of(events)["items"])
        links = UndoLinks(accepted_secrets(api.settings.unsubscribe_secret), "https://x")
        url = links.url(UndoLink("acme", "ada", contact_id, version), api.clock.now())
        path = "/undo?" + urlparse(url).query
        if method == "GET":
            return api.call("GET", path)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return api.call("POST", path, headers=headers, raw=b"")

    return send


def _integration_path(api: Api, key: str) -> str:
    overview = body_of(api.call("GET", "/me/integrations", token=api.token()))
    url = overview[key]["webhook_url"] if key != "calendar_feed_url" else overview[key]
    return urlparse(url).path


def _calendar(api: Api, contact_id: str) -> Any:
    return api.call("GET", _integration_path(api, "calendar_feed_url"))


def _webhook(provider: str) -> Request:
    def send(api: Api, contact_id: str) -> Any:
        secret = f"{provider}-request-count-secret"
        field = "signing_key" if provider == "calendly" else "secret"
        api.call("PUT", f"/me/integrations/{provider}", {field: secret}, token=api.token())
        path = _integration_path(api, provider)
        if provider == "calendly":
            body = load_fixture("calendly_routing_form_submission")
            stamp = int(api.clock.now().timestamp())
            header = {"Calendly-Webhook-Signature": calendly_header(body, secret, stamp)}
        else:
            body = load_fixture("calcom_ping")
            header = {"X-Cal-Signature-256": calcom_header(body, secret)}
        headers = {"Content-Type": "application/json", **header}
        return api.call("POST", path, headers=headers, raw=body)

    return send


def _import(dry_run: bool) -> Request:
    def send(api: Api, contact_id: str) -> Any:
        path = "/contacts/import" + ("?dry_run=true" if dry_run else "")
        headers = {"Content-Type": "text/csv"}
        raw = b"Name,Email\nImported Person,imported@example.com\n"
        return api.call("POST", path, token=api.token(), headers=headers, raw=raw)

    return send


def _revoke(api: Api, contact_id: str) -> Any:
    coach = api.token(user="carla", roles=("coach",))
    invited = api.call(
        "POST", "/tenant/invites", {"emails": ["rc.revoke@example.com"]}, token=coach
    )
    invite_id = body_of(invited)["invites"][0]["invite_id"]
    return api.call("DELETE", f"/tenant/invites/{invite_id}", token=coach)


def _remove(api: Api, contact_id: str) -> Any:
    api.call("GET", "/me/sharing", token=api.token(user="rc-leaver"))
    admin = api.token(user="ana", roles=("admin",))
    return api.call("DELETE", "/tenant/members/rc-leaver", token=admin)


def _join(method: str) -> Request:
    def send(api: Api, contact_id: str) -> Any:
        address = f"rc.{method.lower()}.joiner@example.com"
        coach = api.token(user="carla", roles=("coach",))
        api.call("POST", "/tenant/invites", {"emails": [address]}, token=coach)
        path = f"/join?token={join_token_of(api.settings, address)}"
        if method == "GET":
            return api.call("GET", path)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return api.call("POST", path, headers=headers, raw=b"")

    return send


COACH = ("coach",)

# One request per route and method of the app; DELETE comes last because it erases.
EVERY_ROUTE: dict[tuple[str, str], list[Request]] = {
    ("GET", "/health"): [_call("GET", "/health")],
    ("GET", "/"): [_call("GET", "/")],
    ("GET", "/assets/{name}"): [_call("GET", "/assets/config.json")],
    ("GET", "/openapi.json"): [_call("GET", "/openapi.json")],
    ("POST", "/contacts"): [_call("POST", "/contacts", {"name": "Bo"})],
    ("GET", "/contacts"): [
        _call("GET", "/contacts"),
        _call("GET", "/contacts?status=identified&limit=1"),
        _call("GET", "/contacts?q=ada"),
    ],
    ("GET", "/contacts/{contact_id}"): [_call("GET", "/contacts/{contact_id}")],
    ("GET", "/contacts/{contact_id}/events"): [_call("GET", "/contacts/{contact_id}/events")],
    ("POST", "/contacts/{contact_id}/events"): [
        _call("POST", "/contacts/{contact_id}/events", NOTE)
    ],
    ("GET", "/dashboard"): [_call("GET", "/dashboard")],
    ("GET", "/tenant/dashboard"): [_call("GET", "/tenant/dashboard", roles=COACH)],
    ("GET", "/me/settings"): [_call("GET", "/me/settings")],
    ("PUT", "/me/settings"): [_call("PUT", "/me/settings", {"reminder_hour": 8})],
    ("GET", "/me/export"): [_call("GET", "/me/export"), _call("GET", "/me/export?format=csv")],
    ("GET", "/unsubscribe"): [_unsubscribe("GET")],
    ("POST", "/unsubscribe"): [_unsubscribe("POST")],
    ("GET", "/settings/confirm-email"): [_confirm_email("GET")],
    ("POST", "/settings/confirm-email"): [_confirm_email("POST")],
    ("GET", "/snooze"): [_snooze("GET")],
    ("POST", "/snooze"): [_snooze("POST")],
    ("GET", "/undo"): [_undo("GET")],
    ("POST", "/undo"): [_undo("POST")],
    ("GET", "/me/integrations"): [_call("GET", "/me/integrations")],
    ("PUT", "/me/integrations/calendly"): [
        _call("PUT", "/me/integrations/calendly", {"signing_key": "calendly-secret-1"})
    ],
    ("PUT", "/me/integrations/calcom"): [
        _call("PUT", "/me/integrations/calcom", {"secret": "calcom-secret-1"})
    ],
    ("POST", "/me/integrations/calendar/rotate"): [
        _call("POST", "/me/integrations/calendar/rotate")
    ],
    ("GET", "/calendar/{file}"): [_calendar],
    ("POST", "/webhooks/calendly/{hook_id}"): [_webhook("calendly")],
    ("POST", "/webhooks/calcom/{hook_id}"): [_webhook("calcom")],
    ("POST", "/contacts/import"): [_import(True), _import(False)],
    ("GET", "/me/sharing"): [_call("GET", "/me/sharing")],
    ("PUT", "/me/sharing"): [_call("PUT", "/me/sharing", {"share_with_coaches": True})],
    ("POST", "/tenant/invites"): [
        _call("POST", "/tenant/invites", {"emails": ["rc.invited@example.com"]}, roles=COACH)
    ],
    ("GET", "/tenant/invites"): [_call("GET", "/tenant/invites", roles=COACH)],
    ("DELETE", "/tenant/invites/{invite_id}"): [_revoke],
    ("GET", "/tenant/members"): [_call("GET", "/tenant/members", roles=COACH)],
    ("DELETE", "/tenant/members/{user_id}"): [_remove],
    ("GET", "/join"): [_join("GET")],
    ("POST", "/join"): [_join("POST")],
    ("DELETE", "/contacts/{contact_id}"): [_call("DELETE", "/contacts/{contact_id}")],
}


def test_a_callers_membership_costs_one_get_item_a_minute(
    api: Api, calls: DynamoDBCalls, contact_id: str
) -> None:
    """The warm-up registered ada; the check is then cached for a minute per process."""
    api.call("GET", f"/contacts/{contact_id}", token=api.token())
    assert calls.take() == ["Query"]
    api.clock.advance(timedelta(seconds=61))
    api.call("GET", "/me/sharing", token=api.token())
    # The membership check (the authorizer's) and the sharing read (the handler's).
    assert calls.take() == ["GetItem", "GetItem"]


def test_a_user_seen_for_the_first_time_is_registered_with_one_conditional_put(
    api: Api, calls: DynamoDBCalls
) -> None:
    api.call("GET", "/contacts", token=api.token(user="first-sight"))
    assert calls.take()[:2] == ["GetItem", "PutItem"]


def test_inviting_two_hundred_addresses_costs_eight_batch_writes(
    api: Api, calls: DynamoDBCalls
) -> None:
    coach = api.token(user="carla", roles=COACH)
    api.call("GET", "/tenant/invites", token=coach)
    calls.take()
    emails = [f"bulk{n}@example.com" for n in range(200)]
    assert api.call("POST", "/tenant/invites", {"emails": emails}, token=coach).status_code == 201
    assert calls.take() == ["BatchWriteItem"] * 8  # 25 a request, no read


def test_the_tenant_dashboard_costs_a_query_and_one_batch_read_per_hundred_sharers(
    api: Api, calls: DynamoDBCalls
) -> None:
    for user in ("s1", "s2", "s3"):
        api.call("PUT", "/me/sharing", {"share_with_coaches": True}, token=api.token(user=user))
    coach = api.token(user="carla", roles=COACH)
    api.call("GET", "/tenant/members", token=coach)
    calls.take()
    assert api.call("GET", "/tenant/dashboard", token=coach).status_code == 200
    # Who shares (the members' partition), the tenant's shards, the sharers' dashboards.
    assert calls.take() == ["Query", "BatchGetItem", "BatchGetItem"]


def test_the_calendar_feed_costs_two_get_items_and_one_query(
    api: Api, calls: DynamoDBCalls
) -> None:
    path = _integration_path(api, "calendar_feed_url")
    calls.take()
    assert api.call("GET", path).status_code == 200
    # The integrations record, the owner's settings (for the timezone), the owner's views; the
    # owner's membership was checked a moment ago (their GET /me/integrations), so is cached.
    assert sorted(calls.take()) == ["GetItem", "GetItem", "Query"]
    api.clock.advance(timedelta(seconds=61))
    assert api.call("GET", path).status_code == 200
    # A minute on, the membership check reads the member record once more.
    assert sorted(calls.take()) == ["GetItem", "GetItem", "GetItem", "Query"]


def test_a_refused_webhook_delivery_costs_one_get_item(api: Api, calls: DynamoDBCalls) -> None:
    path = _integration_path(api, "calendly")
    calls.take()
    response = api.call("POST", path, headers={"Content-Type": "application/json"}, raw=b"{}")
    assert response.status_code == 401
    assert calls.take() == ["GetItem"]  # the integrations record; the membership is cached


def test_the_route_table_above_covers_every_route_of_the_app() -> None:
    routes = {(method, path) for path, methods in app.routes.items() for method in methods}
    assert routes == set(EVERY_ROUTE)


def test_no_request_path_issues_a_scan(api: Api, calls: DynamoDBCalls, contact_id: str) -> None:
    seen: dict[tuple[str, str], list[str]] = {}
    for route, requests in EVERY_ROUTE.items():
        for send in requests:
            response = send(api, contact_id)
            assert response.status_code < 400, (route, response.status_code, response.body)
            seen.setdefault(route, []).extend(calls.take())
    scanning = {route: ops for route, ops in seen.items() if "Scan" in ops}
    assert not scanning
