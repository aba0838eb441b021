"""`Idempotency-Key` over HTTP: within 24 h the same key and body get the first answer again and
change nothing; the same key with another body is a 409; after 24 h the key is free again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.adapters import aws
from tests.api.conftest import Api, body_of

NOTE = {"type": "research_noted", "subject": "company", "text": "Acme builds payment rails."}
OTHER_NOTE = {"type": "research_noted", "subject": "person", "text": "Ten years at Acme."}


def _keyed(api: Api, method: str, path: str, body: Any, key: str) -> Any:
    return api.call(method, path, body, token=api.token(), headers={"Idempotency-Key": key})


def _new_contact(api: Api) -> str:
    created = api.call("POST", "/contacts", {"name": "Ada Park"}, token=api.token())
    assert created.status_code == 201
    return str(body_of(created)["contact_id"])


def _versions(api: Api, contact_id: str) -> list[int]:
    response = api.call("GET", f"/contacts/{contact_id}/events", token=api.token())
    return [event["version"] for event in body_of(response)["items"]]


def _contacts_added(api: Api) -> int:
    dynamodb = aws.client("dynamodb", api.settings)
    page = dynamodb.scan(
        TableName=api.settings.events_table,
        FilterExpression="#type = :added",
        ExpressionAttributeNames={"#type": "type"},
        ExpressionAttributeValues={":added": {"S": "contact_added"}},
    )
    return int(page["Count"])


def test_the_same_key_and_body_get_the_first_answer_again_and_write_nothing(api: Api) -> None:
    contact_id = _new_contact(api)
    path = f"/contacts/{contact_id}/events"
    first = _keyed(api, "POST", path, NOTE, "note-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers

    api.clock.advance(timedelta(hours=3))
    again = _keyed(api, "POST", path, NOTE, "note-1")

    assert again.status_code == first.status_code
    assert body_of(again) == body_of(first)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"] == '"2"'
    assert _versions(api, contact_id) == [1, 2]


def test_a_replay_answers_as_first_even_after_the_contact_moved_on(api: Api) -> None:
    contact_id = _new_contact(api)
    path = f"/contacts/{contact_id}/events"
    first = _keyed(api, "POST", path, NOTE, "note-1")
    later = api.call("POST", path, OTHER_NOTE, token=api.token())
    assert later.status_code == 201

    again = _keyed(api, "POST", path, NOTE, "note-1")

    assert body_of(again) == body_of(first)
    assert body_of(again)["contact"]["version"] == 2
    assert _versions(api, contact_id) == [1, 2, 3]


def test_the_same_key_with_another_body_is_a_409_and_writes_nothing(api: Api) -> None:
    contact_id = _new_contact(api)
    path = f"/contacts/{contact_id}/events"
    assert _keyed(api, "POST", path, NOTE, "note-1").status_code == 201

    reused = _keyed(api, "POST", path, OTHER_NOTE, "note-1")

    assert reused.status_code == 409
    assert body_of(reused)["error"]["code"] == "idempotency_key_reused"
    assert _versions(api, contact_id) == [1, 2]


def test_adding_a_contact_twice_with_one_key_makes_one_contact(api: Api) -> None:
    details = {"name": "Ada Park", "company": "Acme"}
    first = _keyed(api, "POST", "/contacts", details, "add-ada")
    again = _keyed(api, "POST", "/contacts", details, "add-ada")

    assert (first.status_code, again.status_code) == (201, 201)
    assert body_of(again) == body_of(first)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert _contacts_added(api) == 1


def test_adding_a_contact_with_a_used_key_and_other_details_is_a_409(api: Api) -> None:
    assert _keyed(api, "POST", "/contacts", {"name": "Ada Park"}, "add-ada").status_code == 201

    reused = _keyed(api, "POST", "/contacts", {"name": "Bo Chen"}, "add-ada")

    assert reused.status_code == 409
    assert body_of(reused)["error"]["code"] == "idempotency_key_reused"
    assert _contacts_added(api) == 1


def test_a_key_is_per_user_so_two_users_may_pick_the_same_one(api: Api) -> None:
    details = {"name": "Ada Park"}
    ada = api.call(
        "POST", "/contacts", details, token=api.token(user="ada"), headers={"Idempotency-Key": "k"}
    )
    bo = api.call(
        "POST", "/contacts", details, token=api.token(user="bo"), headers={"Idempotency-Key": "k"}
    )

    assert (ada.status_code, bo.status_code) == (201, 201)
    assert body_of(ada)["contact_id"] != body_of(bo)["contact_id"]
    assert "Idempotent-Replayed" not in bo.headers
    assert _contacts_added(api) == 2


def test_after_24_hours_the_same_key_and_body_make_a_new_write(api: Api) -> None:
    contact_id = _new_contact(api)
    path = f"/contacts/{contact_id}/events"
    first = _keyed(api, "POST", path, NOTE, "note-1")
    assert first.status_code == 201

    api.clock.advance(timedelta(hours=25))
    again = _keyed(api, "POST", path, NOTE, "note-1")

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert body_of(again)["event"]["version"] == 3
    assert _versions(api, contact_id) == [1, 2, 3]
    # ...and the key is taken again, for the next 24 hours, by the new answer.
    replay = _keyed(api, "POST", path, NOTE, "note-1")
    assert body_of(replay) == body_of(again)


def test_after_24_hours_adding_a_contact_with_the_same_key_makes_a_new_one(api: Api) -> None:
    first = _keyed(api, "POST", "/contacts", {"name": "Ada Park"}, "add-ada")

    api.clock.advance(timedelta(hours=25))
    again = _keyed(api, "POST", "/contacts", {"name": "Ada Park"}, "add-ada")

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert body_of(again)["contact_id"] != body_of(first)["contact_id"]
    assert _contacts_added(api) == 2


def test_a_key_reused_after_24_hours_replays_within_its_new_window(api: Api) -> None:
    _keyed(api, "POST", "/contacts", {"name": "Ada Park"}, "add-ada")
    api.clock.advance(timedelta(hours=25))

    second = _keyed(api, "POST", "/contacts", {"name": "Ada Park"}, "add-ada")
    again = _keyed(api, "POST", "/contacts", {"name": "Ada Park"}, "add-ada")

    assert again.headers.get("Idempotent-Replayed") == "true"
    assert body_of(again) == body_of(second)
    assert _contacts_added(api) == 2
