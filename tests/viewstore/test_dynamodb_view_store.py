"""The view-store contract on DynamoDB under moto, and what only the DynamoDB store promises:
its requests (one transaction per commit, view first; no Scan) and its refusals."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.adapters import aws
from chalicelib.settings import Settings
from chalicelib.viewstore import dynamodb_items as items
from chalicelib.viewstore.dynamodb import DynamoDBViewStore
from chalicelib.viewstore.port import (
    DashboardWrite,
    InvalidPositionError,
    LostRaceError,
    ViewStore,
    ViewWrite,
)
from tests.viewstore.contract import (
    NOW,
    SHARDS,
    TENANT,
    USER,
    ViewStoreContract,
    at,
    create,
    dashboard,
    reminder,
    reminder_key,
    view,
)


class TestDynamoDBViewStore(ViewStoreContract):
    @pytest.fixture
    def store(self, aws_mock: None, settings: Settings) -> ViewStore:
        return DynamoDBViewStore(aws.client("dynamodb", settings), settings.views_table, SHARDS)


class Recording:
    """The real client, with a list of the operations called through it."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        operation = getattr(self._client, name)

        def call(**kwargs: Any) -> Any:
            self.calls.append((name, kwargs))
            return operation(**kwargs)

        return call


@pytest.fixture
def client(aws_mock: None, settings: Settings) -> Recording:
    return Recording(aws.client("dynamodb", settings))


@pytest.fixture
def store(client: Recording, settings: Settings) -> DynamoDBViewStore:
    return DynamoDBViewStore(client, settings.views_table, SHARDS)


def test_a_commit_is_one_transaction_with_the_view_first(
    store: DynamoDBViewStore, client: Recording
) -> None:
    old = reminder("c-1")
    v1 = create(store, view(version=1), put_reminders=(old,))
    client.calls.clear()

    store.commit(
        ViewWrite(
            v1,
            view(version=2),
            put_reminders=(reminder("c-1", send_at=at(-5)),),
            delete_reminders=(old.key, reminder_key(due_at=at(-500))),
            dashboards=(DashboardWrite(None, dashboard()),),
            new_members=((1, USER), (1, USER)),
        )
    )

    assert [name for name, _ in client.calls] == ["transact_write_items"]
    actions = client.calls[0][1]["TransactItems"]
    assert [next(iter(action)) for action in actions] == ["Put", "Delete", "Put", "Put", "Put"]
    put_view = actions[0]["Put"]
    assert put_view["ConditionExpression"] == "#v = :v AND #s = :s"
    assert put_view["ExpressionAttributeValues"] == {":v": {"N": "1"}, ":s": {"S": "fp-1"}}
    assert actions[3]["Put"]["ConditionExpression"] == "attribute_not_exists(PK)"


def test_a_dashboard_is_written_over_its_revision_only(
    store: DynamoDBViewStore, client: Recording
) -> None:
    v1 = create(store, view(version=1), dashboards=(DashboardWrite(None, dashboard()),))
    client.calls.clear()

    store.commit(ViewWrite(v1, view(version=2), dashboards=(DashboardWrite(1, dashboard()),)))

    put = client.calls[0][1]["TransactItems"][1]["Put"]
    assert put["ConditionExpression"] == "revision = :r"
    assert put["ExpressionAttributeValues"] == {":r": {"N": "1"}}


def test_errors_other_than_a_lost_race_propagate(aws_mock: None, settings: Settings) -> None:
    missing = DynamoDBViewStore(aws.client("dynamodb", settings), "no-such-table", SHARDS)

    with pytest.raises(ClientError):
        missing.commit(ViewWrite(None, view()))


def test_get_views_reads_more_than_a_hundred_views_in_batches(
    store: DynamoDBViewStore, client: Recording, settings: Settings
) -> None:
    views = [view(f"c-{n:03d}") for n in range(130)]
    for v in views:
        client.put_item(TableName=settings.views_table, Item=items.view_item(v))
    client.calls.clear()

    found = store.get_views(TENANT, USER, [v.contact_id for v in views])

    assert found == {v.contact_id: v for v in views}
    batches = [kwargs for name, kwargs in client.calls if name == "batch_get_item"]
    assert [len(b["RequestItems"][settings.views_table]["Keys"]) for b in batches] == [100, 30]
    assert all(b["RequestItems"][settings.views_table]["ConsistentRead"] for b in batches)


def test_a_position_is_the_start_key_of_the_list_index_as_plain_strings(
    store: DynamoDBViewStore,
) -> None:
    for n in range(3):
        create(store, view(f"c-{n}", updated_at=at(n)))

    position = store.contacts_page(TENANT, USER, None, 2).next_position

    assert position == {
        "PK": "T#tenant-a#U#user-1",
        "SK": "C#c-1",
        "gsi1pk": "T#tenant-a#U#user-1",
        "gsi1sk": "2026-11-26T14:01:00.000000Z#c-1",
    }


def test_a_position_with_values_that_are_not_strings_is_refused(
    store: DynamoDBViewStore,
) -> None:
    for n in range(3):
        create(store, view(f"c-{n}", updated_at=at(n)))
    position = store.contacts_page(TENANT, USER, None, 2).next_position
    assert position is not None

    with pytest.raises(InvalidPositionError):
        store.contacts_page(TENANT, USER, None, 2, {**position, "SK": {"S": "C#c-1"}})  # type: ignore[dict-item]


def test_a_malformed_item_on_the_due_index_is_logged_and_skipped(
    store: DynamoDBViewStore,
    client: Recording,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    good = reminder("c-1", send_at=at(-2))
    create(store, view(), put_reminders=(good,))
    broken = items.reminder_item(reminder("c-2", send_at=at(-3))) | {"action": {"S": "dance"}}
    client.put_item(TableName=settings.views_table, Item=broken)

    with caplog.at_level(logging.ERROR):
        found = store.due(NOW, 10)

    assert found == [good]
    assert "malformed due item" in caplog.text


def test_the_due_index_is_read_with_queries_only_each_shard_up_to_its_share(
    store: DynamoDBViewStore, client: Recording
) -> None:
    backlog = [reminder(f"c-{n}", send_at=at(-10 + n)) for n in range(3)]
    create(store, view(), put_reminders=tuple(backlog))
    client.calls.clear()

    assert store.due(NOW, 4) == backlog[:2]

    queries = [kwargs for name, kwargs in client.calls]
    assert {name for name, _ in client.calls} == {"query"}
    assert [q["ExpressionAttributeValues"][":pk"]["S"] for q in queries] == ["DUE#0", "DUE#1"]
    assert queries[0]["ExpressionAttributeValues"][":bound"]["S"] == "2026-11-26T14:00:00Z~"
    assert [q["Limit"] for q in queries] == [2, 2]


def test_a_claim_and_a_lease_are_stored_as_the_sweep_has_always_stored_them(
    store: DynamoDBViewStore, client: Recording, settings: Settings
) -> None:
    key = reminder_key(due_at=at(-120, ms=250))
    store.claim(key, "sweep-1", NOW)
    store.mark_sent(key, "sweep-1", "msg-1")
    store.hold_user((TENANT, USER), "sweep-1", NOW, timedelta(minutes=5))

    def get(sk: str) -> dict[str, Any]:
        found = client.get_item(
            TableName=settings.views_table, Key=items.key("T#tenant-a#U#user-1", sk)
        )
        return dict(found["Item"])

    claim = get("CLAIM#c-1#reach_out#2026-11-26T12:00:00.250Z")
    assert {name: claim[name] for name in ("state", "claimed_at", "sweep_id", "message_id")} == {
        "state": {"S": "sent"},
        "claimed_at": {"S": "2026-11-26T14:00:00Z"},
        "sweep_id": {"S": "sweep-1"},
        "message_id": {"S": "msg-1"},
    }
    assert claim["purge_at"] == {"N": str(int((NOW + timedelta(days=14)).timestamp()))}
    lease = get("SWEEP_LEASE")
    until = int((NOW + timedelta(minutes=5)).timestamp())
    assert lease["sweep_id"] == {"S": "sweep-1"}
    assert lease["leased_until"] == {"N": str(until)}
    assert lease["purge_at"] == {"N": str(until + 14 * 24 * 3600)}


def test_clear_keeps_the_claim_and_lease_items(
    store: DynamoDBViewStore, client: Recording, settings: Settings
) -> None:
    r = reminder()
    create(store, view(), put_reminders=(r,), new_members=((0, USER),))
    store.claim(r.key, "sweep-1", NOW)
    store.hold_user((TENANT, USER), "sweep-1", NOW, timedelta(minutes=5))

    assert store.clear(TENANT) == 3

    left = client.scan(TableName=settings.views_table)["Items"]
    assert sorted(item["SK"]["S"] for item in left) == [
        "CLAIM#c-1#reach_out#2026-11-26T12:00:00Z",
        "SWEEP_LEASE",
    ]


def test_a_stale_update_leaves_the_stored_item_as_it_was(
    store: DynamoDBViewStore, client: Recording, settings: Settings
) -> None:
    v1 = create(store, view(version=1))
    store.commit(ViewWrite(v1, replace(v1, version=2)))

    with pytest.raises(LostRaceError):
        store.commit(ViewWrite(v1, replace(v1, version=3, name="late")))

    stored = client.get_item(
        TableName=settings.views_table, Key=items.view_key(TENANT, USER, "c-1")
    )
    assert stored["Item"]["version"] == {"N": "2"}


def test_a_position_naming_another_users_item_is_refused(store: DynamoDBViewStore) -> None:
    for n in range(3):
        create(store, view(f"c-{n}", updated_at=at(n)))
    position = store.contacts_page(TENANT, USER, None, 2).next_position
    assert position is not None

    with pytest.raises(InvalidPositionError):
        store.contacts_page(TENANT, USER, None, 2, {**position, "PK": "T#tenant-b#U#user-1"})
