"""Issue 14, items 2 to 4, over HTTP: what broke the edge is now a clear 4xx that names the field
or the reason and writes nothing.

2. Bad input that used to be a 500: `limit=²`, 30,000 nested brackets, a token whose `email`
   is `ada@localhost`, a validly signed token whose `exp` is 10**400.
3. Idempotency keys are the user's, across every POST: the same key and request replay, any
   other request with the key is a 409 naming it.
4. Roles travel from the authorizer as a JSON list and are compared whole.
"""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest

from app import jwt_auth
from chalicelib.adapters import aws
from chalicelib.api.errors import ApiError
from chalicelib.api.request import ApiRequest, caller_of
from chalicelib.eventstore import key_claims
from tests.api.conftest import Api, body_of, is_membership_record

NOTE = {"type": "research_noted", "subject": "company", "text": "Acme builds payment rails."}


def _items(api: Api) -> int:
    """Every item of the events table: events, records, claims, settings."""
    dynamodb = aws.client("dynamodb", api.settings)
    pages = dynamodb.get_paginator("scan").paginate(TableName=api.settings.events_table)
    return sum(not is_membership_record(item) for page in pages for item in page["Items"])


def _new_contact(api: Api, name: str = "Ada Park") -> str:
    created = api.call("POST", "/contacts", {"name": name}, token=api.token())
    assert created.status_code == 201
    return str(body_of(created)["contact_id"])


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = body_of(response)["error"]
    return error


def _fields(response: Any) -> list[str]:
    return [problem["field"] for problem in _error(response).get("fields", [])]


# --- 2. bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "limit", ["\u00b2", "\u0663", "+5", " 5", "5 ", "1_0", "0x10", "", "0", "101", "00000000001"]
)
def test_a_limit_that_is_not_ascii_digits_from_1_to_100_is_a_400_naming_limit(
    api: Api, limit: str
) -> None:
    response = api.call("GET", f"/contacts?limit={limit}", token=api.token())

    assert response.status_code == 400, body_of(response)
    assert _error(response)["code"] == "validation_error"
    assert _fields(response) == ["limit"]


def test_an_if_match_in_another_scripts_digits_is_a_400_naming_it(api: Api) -> None:
    contact_id = _new_contact(api)
    before = _items(api)

    response = api.call(
        "POST",
        f"/contacts/{contact_id}/events",
        NOTE,
        token=api.token(),
        headers={"If-Match": '"\u0661"'},
    )

    assert response.status_code == 400
    assert _fields(response) == ["If-Match"]
    assert _items(api) == before


NESTED = b"[" * 30_000 + b"]" * 30_000  # 60,000 bytes, under the 64 KiB cap


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/contacts"), ("POST", "/contacts/{id}/events"), ("PUT", "/me/settings")],
)
def test_thirty_thousand_nested_brackets_are_a_400_malformed_json_that_writes_nothing(
    api: Api, method: str, path: str
) -> None:
    concrete = path.replace("{id}", _new_contact(api))
    before = _items(api)

    response = api.call(method, concrete, token=api.token(), raw=NESTED)

    assert response.status_code == 400
    assert _error(response)["code"] == "malformed_json"
    assert "32 levels" in _error(response)["message"]
    assert _items(api) == before


def _nested_object(depth: int) -> bytes:
    """A contact body whose unknown `extra` field makes the whole body `depth` levels deep."""
    inner = b"[" * (depth - 1) + b"]" * (depth - 1)
    return b'{"name": "Ada", "extra": ' + inner + b"}"


def test_thirty_two_levels_parse_and_thirty_three_do_not(api: Api) -> None:
    deep_enough = api.call("POST", "/contacts", token=api.token(), raw=_nested_object(32))
    too_deep = api.call("POST", "/contacts", token=api.token(), raw=_nested_object(33))

    # 32 levels are read, and then refused for what they say (an unknown field), not as JSON.
    assert (deep_enough.status_code, _error(deep_enough)["code"]) == (400, "validation_error")
    assert _fields(deep_enough) == ["extra"]
    assert (too_deep.status_code, _error(too_deep)["code"]) == (400, "malformed_json")
    assert _items(api) == 0


def test_brackets_inside_strings_are_text_not_nesting(api: Api) -> None:
    name = "[{" * 40 + r"\"]" + "}]" * 40
    response = api.call("POST", "/contacts", {"name": name}, token=api.token())

    assert response.status_code == 201, body_of(response)
    assert body_of(response)["name"] == name


@pytest.mark.parametrize(
    "raw",
    [
        b'{"type": "interview_scheduled", "starts_at": "2026-12-04T15:00:00Z", '
        b'"duration_minutes": NaN}',
        b'{"type": "interview_scheduled", "starts_at": "2026-12-04T15:00:00Z", '
        b'"duration_minutes": Infinity}',
        b'{"type": "interview_scheduled", "starts_at": "2026-12-04T15:00:00Z", '
        b'"duration_minutes": -Infinity}',
        b'{"type": "interview_scheduled", "starts_at": "2026-12-04T15:00:00Z", '
        b'"duration_minutes": 1e400}',
        '{"type": "interview_scheduled", "starts_at": "2026-12-04T15:00:00Z", '
        '"duration_minutes": \u0663\u0660}'.encode(),
        b'{"type": "outreach_sent", "type": "contact_archived"}',
        b'{"type": "research_noted", "subject": "company", "text": "\\ud800"}',
    ],
    ids=[
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "Arabic-Indic digits",
        "a key twice",
        "surrogate",
    ],
)
def test_what_only_pythons_json_reads_is_a_400_malformed_json(api: Api, raw: bytes) -> None:
    contact_id = _new_contact(api)
    before = _items(api)

    response = api.call("POST", f"/contacts/{contact_id}/events", token=api.token(), raw=raw)

    assert response.status_code == 400, body_of(response)
    assert _error(response)["code"] == "malformed_json"
    assert _items(api) == before


def _token(api: Api, **changes: Any) -> str:
    """A good local token's claims, with `changes`, signed with the stage's secret."""
    issued = int(api.clock.now().timestamp())
    claims: dict[str, Any] = {
        "sub": "ada",
        "tenant_id": "acme",
        "email": "ada@example.com",
        "roles": [],
        "iss": api.settings.auth_issuer,
        "aud": api.settings.auth_audience,
        "iat": issued,
        "exp": issued + 3600,
        **changes,
    }
    return jwt.encode(claims, api.settings.auth_jwt_secret or "", algorithm="HS256")


@pytest.mark.parametrize(
    ("changes", "claim"),
    [
        ({"email": "ada@localhost"}, "email"),
        ({"exp": 10**400}, "exp"),
        ({"exp": float("inf")}, "exp"),
        ({"exp": float("nan")}, "exp"),
        ({"exp": 1.0e10}, "exp"),
        ({"iat": 10**400}, "iat"),
        ({"nbf": float("nan")}, "nbf"),
        ({"sub": "a" * 129}, "sub"),
        ({"tenant_id": "acme\n"}, "tenant_id"),
        ({"roles": ["coach"] * 101}, "roles"),
        ({"roles": ["coach\n"]}, "roles"),
        ({"roles": [""]}, "roles"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_signed_token_with_a_claim_the_system_would_refuse_is_a_401_naming_it(
    api: Api, changes: dict[str, Any], claim: str
) -> None:
    token = _token(api, **changes)

    response = api.call("POST", "/contacts", {"name": "Bo"}, token=token)

    assert response.status_code == 401
    assert _error(response)["code"] == "unauthorized"
    assert _error(response)["message"] == f"sign in again: invalid claim: {claim}"
    assert _items(api) == 0


# --- 3. idempotency keys are the user's -----------------------------------------------------


def _keyed(api: Api, path: str, body: Any, key: str = "k-1") -> Any:
    return api.call("POST", path, body, token=api.token(), headers={"Idempotency-Key": key})


def _versions(api: Api, contact_id: str) -> list[int]:
    response = api.call("GET", f"/contacts/{contact_id}/events", token=api.token())
    return [event["version"] for event in body_of(response)["items"]]


def _assert_key_reused(response: Any, key: str = "k-1") -> None:
    assert response.status_code == 409, body_of(response)
    assert _error(response)["code"] == "idempotency_key_reused"
    assert repr(key) in _error(response)["message"]


def test_the_same_key_and_body_on_another_contact_is_a_409_that_writes_nothing(api: Api) -> None:
    first, second = _new_contact(api), _new_contact(api, "Bo Chen")
    assert _keyed(api, f"/contacts/{first}/events", NOTE).status_code == 201
    before = _items(api)

    reused = _keyed(api, f"/contacts/{second}/events", NOTE)

    _assert_key_reused(reused)
    assert _items(api) == before
    assert (_versions(api, first), _versions(api, second)) == ([1, 2], [1])


def test_a_steps_key_reused_to_add_a_contact_is_a_409_that_adds_none(api: Api) -> None:
    contact_id = _new_contact(api)
    assert _keyed(api, f"/contacts/{contact_id}/events", NOTE).status_code == 201
    before = _items(api)

    reused = _keyed(api, "/contacts", {"name": "Bo Chen"})

    _assert_key_reused(reused)
    assert _items(api) == before


def test_a_new_contacts_key_reused_for_a_step_is_a_409_that_appends_nothing(api: Api) -> None:
    added = _keyed(api, "/contacts", {"name": "Ada Park"})
    contact_id = body_of(added)["contact_id"]
    before = _items(api)

    reused = _keyed(api, f"/contacts/{contact_id}/events", NOTE)

    _assert_key_reused(reused)
    assert _items(api) == before
    assert _versions(api, contact_id) == [1]


def test_a_key_held_by_another_request_wins_over_the_steps_own_refusal(api: Api) -> None:
    """The step would be a 422 (no thank-you before an interview); the key decides first, as
    it would have before the write."""
    first, second = _new_contact(api), _new_contact(api, "Bo Chen")
    assert _keyed(api, f"/contacts/{first}/events", NOTE).status_code == 201
    refused = _keyed(api, f"/contacts/{second}/events", {"type": "thank_you_sent"})

    _assert_key_reused(refused)
    # Without the key the same step is the 422 it always was.
    plain = api.call(
        "POST", f"/contacts/{second}/events", {"type": "thank_you_sent"}, token=api.token()
    )
    assert plain.status_code == 422


def test_the_same_key_and_request_still_replay_and_write_nothing(api: Api) -> None:
    contact_id = _new_contact(api)
    path = f"/contacts/{contact_id}/events"
    first = _keyed(api, path, NOTE)
    before = _items(api)

    again = _keyed(api, path, NOTE)

    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert body_of(again) == body_of(first)
    assert _items(api) == before


def test_a_key_another_user_holds_is_free_for_this_one(api: Api) -> None:
    bo = api.call(
        "POST",
        "/contacts",
        {"name": "Cy"},
        token=api.token(user="bo"),
        headers={"Idempotency-Key": "k-1"},
    )
    assert bo.status_code == 201
    contact_id = _new_contact(api)

    mine = _keyed(api, f"/contacts/{contact_id}/events", NOTE)

    assert mine.status_code == 201
    assert "Idempotent-Replayed" not in mine.headers


def test_a_record_kept_before_keys_were_claimed_still_replays(api: Api) -> None:
    """A record written by the version before claims sits on the contact's stream alone: the
    command's Query still finds it, so a retry within its 24 h replays and writes nothing."""
    contact_id = _new_contact(api)
    path = f"/contacts/{contact_id}/events"
    first = _keyed(api, path, NOTE)
    dynamodb = aws.client("dynamodb", api.settings)
    dynamodb.delete_item(  # what an old record looks like: no claim beside it
        TableName=api.settings.events_table, Key=key_claims.claim_key("acme", "ada", "k-1")
    )
    before = _items(api)

    again = _keyed(api, path, NOTE)

    assert again.headers.get("Idempotent-Replayed") == "true"
    assert body_of(again) == body_of(first)
    assert _items(api) == before


# --- 4. roles are a JSON list, compared whole -------------------------------------------------


def test_a_role_named_student_comma_coach_is_not_the_coach_role(api: Api) -> None:
    token = _token(api, roles=["student,coach"])

    response = api.call("GET", "/tenant/dashboard", token=token)

    assert response.status_code == 403
    assert _error(response)["code"] == "forbidden"


def test_the_coach_role_still_reads_the_tenant_dashboard(api: Api) -> None:
    response = api.call("GET", "/tenant/dashboard", token=_token(api, roles=["student", "coach"]))

    assert response.status_code == 200


def test_deployed_and_local_authorizer_paths_give_the_same_caller(api: Api) -> None:
    """The authorizer's Lambda answer, its context as API Gateway passes it on (every value a
    string) and as Chalice's local gateway passes it (unchanged) read as one identity."""
    token = _token(api, roles=["student,coach", "mentor"])
    event = {"type": "TOKEN", "authorizationToken": f"Bearer {token}", "methodArn": "arn:x"}

    context = jwt_auth(event, None)["context"]

    assert json.loads(context["roles"]) == ["mentor", "student,coach"]
    assert all(isinstance(value, str | int) for value in context.values())
    deployed = {name: str(value) for name, value in context.items()}
    callers = [
        caller_of(ApiRequest("GET", "/", auth_context=ctx), api.clock)
        for ctx in (context, deployed)
    ]
    assert callers[0] == callers[1]
    assert callers[0].roles == {"mentor", "student,coach"}
    assert not callers[0].is_coach


@pytest.mark.parametrize(
    "roles",
    ["coach", "student,coach", "", '"coach"', '{"coach": true}', "[1]", '["coach", null]'],
)
def test_roles_in_a_context_that_are_not_a_json_list_of_strings_are_a_401(
    api: Api, roles: str
) -> None:
    exp = int(api.clock.now().timestamp()) + 60
    context = {"user_id": "ada", "tenant_id": "acme", "email": "a@b.co", "roles": roles, "exp": exp}

    with pytest.raises(ApiError) as refusal:
        caller_of(ApiRequest("GET", "/", auth_context=context), api.clock)

    assert refusal.value.status == 401


@pytest.mark.parametrize("exp", ["1e10", "\u00b2", "-5", "", None, "9" * 13, True])
def test_an_expiry_in_a_context_that_is_not_whole_seconds_is_a_401(api: Api, exp: object) -> None:
    context = {"user_id": "ada", "tenant_id": "acme", "email": "a@b.co", "roles": "[]", "exp": exp}

    with pytest.raises(ApiError) as refusal:
        caller_of(ApiRequest("GET", "/", auth_context=context), api.clock)

    assert refusal.value.status == 401
