"""The dev stack's patches of moto answer exactly as moto does, only without its growing costs,
and fail loudly when a moto upgrade removes the internals they patch."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.common_models import BaseModel
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table
from moto.dynamodbstreams.models import dynamodbstreams_backends

from chalicelib.adapters import aws
from chalicelib.devstack import moto_limits
from chalicelib.devstack.moto_limits import (
    MotoInternalsError,
    cheap_transaction_snapshots,
    partition_queries,
    require_query_internals,
    require_snapshot_internals,
    require_tracking_internals,
    trim_stream,
    untracked_models,
)
from chalicelib.settings import Settings

USERS = 3
CONTACTS = 12


def _s(value: str) -> dict[str, str]:
    return {"S": value}


@pytest.fixture
def dynamodb(aws_mock: None, settings: Settings) -> Any:
    return aws.client("dynamodb", settings)


@pytest.fixture
def views(dynamodb: Any, settings: Settings) -> str:
    """The views table with contacts of several users, most in the `by_updated` index, some
    with a status, a few outside every index: partitions and index keys to tell apart."""
    for user in range(USERS):
        for contact in range(CONTACTS):
            item = {
                "PK": _s(f"T#t#U#u{user}"),
                "SK": _s(f"C#{contact:03d}"),
                "name": _s(f"Contact {contact}"),
                "score": {"N": str(contact % 4)},
            }
            if contact % 5:
                item |= {"gsi1pk": _s(f"T#t#U#u{user}"), "gsi1sk": _s(f"2026-11-{contact:02d}")}
            if contact % 3 == 0:
                item |= {"gsi2pk": _s(f"T#t#S#s{contact % 2}"), "gsi2sk": _s(f"u{user}#{contact}")}
            dynamodb.put_item(TableName=settings.views_table, Item=item)
    return settings.views_table


QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": {":pk": _s("T#t#U#u1")}},
    {
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :c)",
        "ExpressionAttributeValues": {":pk": _s("T#t#U#u2"), ":c": _s("C#00")},
        "ScanIndexForward": False,
    },
    {
        "KeyConditionExpression": "PK = :pk AND SK BETWEEN :a AND :b",
        "FilterExpression": "score > :one",
        "ExpressionAttributeValues": {
            ":pk": _s("T#t#U#u0"),
            ":a": _s("C#002"),
            ":b": _s("C#010"),
            ":one": {"N": "1"},
        },
    },
    {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": {":pk": _s("T#none")}},
    {
        "IndexName": "by_updated",
        "KeyConditionExpression": "gsi1pk = :pk",
        "ExpressionAttributeValues": {":pk": _s("T#t#U#u1")},
        "ScanIndexForward": False,
    },
    {
        "IndexName": "by_updated",
        "KeyConditionExpression": "gsi1pk = :pk AND gsi1sk >= :since",
        "ExpressionAttributeValues": {":pk": _s("T#t#U#u0"), ":since": _s("2026-11-04")},
    },
    {
        "IndexName": "by_status",
        "KeyConditionExpression": "gsi2pk = :pk",
        "ExpressionAttributeValues": {":pk": _s("T#t#S#s1")},
    },
]


def _all_pages(dynamodb: Any, table: str, query: dict[str, Any], limit: int | None) -> list[Any]:
    """Every page of `query`, items and LastEvaluatedKey, following the keys as clients do."""
    pages: list[Any] = []
    request = {"TableName": table, **query} | ({"Limit": limit} if limit else {})
    while True:
        page = dynamodb.query(**request)
        pages.append((page["Items"], page.get("LastEvaluatedKey"), page["Count"]))
        if "LastEvaluatedKey" not in page:
            return pages
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@pytest.mark.parametrize("limit", [None, 4])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.get("IndexName", "table"))
def test_a_narrowed_query_answers_what_moto_answers(
    dynamodb: Any, views: str, query: dict[str, Any], limit: int | None
) -> None:
    unpatched = _all_pages(dynamodb, views, query, limit)

    with partition_queries():
        narrowed = _all_pages(dynamodb, views, query, limit)

    assert narrowed == unpatched
    assert unpatched[0][0] or query["ExpressionAttributeValues"][":pk"] == _s("T#none")


@pytest.fixture
def counted_walks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """moto's own all_items(), the sorted walk of a whole table, counted per table."""
    walks: list[str] = []
    walk = Table.all_items

    def counted(self: Table) -> list[Item]:
        walks.append(self.name)
        return walk(self)

    monkeypatch.setattr(Table, "all_items", counted)
    return walks


def test_a_narrowed_query_does_not_walk_the_table(
    dynamodb: Any, views: str, counted_walks: list[str]
) -> None:
    with partition_queries():
        for query in QUERIES:
            dynamodb.query(TableName=views, **query)
    assert counted_walks == []

    dynamodb.query(TableName=views, **QUERIES[0])
    assert counted_walks == [views]  # unpatched again once the stack is gone


def test_a_narrowed_lookup_adds_no_empty_partition(dynamodb: Any, views: str) -> None:
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].tables[views]
    before = len(table.items)

    with partition_queries():
        dynamodb.query(TableName=views, **QUERIES[3])

    assert len(table.items) == before


def test_the_query_internals_it_relies_on_are_there() -> None:
    require_query_internals()  # fails after a moto upgrade that moved them: fix the patch


def test_a_query_that_no_longer_reads_all_items_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def query(self: Table, hash_key: Any, index_name: Any, hash_key_conditions: Any) -> Any:
        return [], 0, None

    monkeypatch.setattr(Table, "query", query)

    with pytest.raises(MotoInternalsError, match="all_items"), partition_queries():
        pass


def test_a_query_without_the_parameters_it_reads_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def query(self: Table, key: Any) -> Any:
        return self.all_items(), self.all_items()

    monkeypatch.setattr(Table, "query", query)

    with pytest.raises(MotoInternalsError, match="hash_key"):
        require_query_internals()


# -- model objects --------------------------------------------------------------------------


def _item(name: str) -> Item:
    return Item(DynamoType(_s(name)), None, {"PK": _s(name)})


def test_models_made_while_untracked_are_not_kept_and_tracking_comes_back() -> None:
    tracked_before = len(Item.instances_tracked)  # type: ignore[attr-defined]

    with untracked_models():
        made = [_item(f"untracked {n}") for n in range(5)]
    after = _item("tracked")

    tracked = Item.instances_tracked  # type: ignore[attr-defined]
    assert len(tracked) == tracked_before + 1
    assert tracked[-1] is after
    assert all(item.hash_key == DynamoType(_s(f"untracked {n}")) for n, item in enumerate(made))


def test_the_tracking_internals_it_relies_on_are_there() -> None:
    require_tracking_internals()  # fails after a moto upgrade that moved them: fix the patch


def test_a_base_model_that_no_longer_tracks_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    def new(cls: type, *args: Any, **kwargs: Any) -> Any:
        return object.__new__(cls)

    monkeypatch.setattr(BaseModel, "__new__", staticmethod(new))

    with pytest.raises(MotoInternalsError, match="no longer tracks"), untracked_models():
        pass


# -- streams ----------------------------------------------------------------------------------


@pytest.fixture
def streams(aws_mock: None, settings: Settings) -> Any:
    return aws.client("dynamodbstreams", settings)


def _shard(dynamodb: Any, streams: Any, table: str) -> tuple[str, str]:
    arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    return arn, shard["ShardId"]


def _put_events(dynamodb: Any, table: str, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        dynamodb.put_item(TableName=table, Item={"PK": _s("T#t#C#c"), "SK": _s(f"E#{n:010d}")})


def _read_after(streams: Any, arn: str, shard_id: str, sequence: str | None) -> list[str]:
    position: dict[str, Any] = {"ShardIteratorType": "TRIM_HORIZON"}
    if sequence is not None:
        position = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": sequence}
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, **position)
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return [r["dynamodb"]["SequenceNumber"] for r in records]


def test_trimming_drops_delivered_records_and_readers_go_on_after_them(
    dynamodb: Any, streams: Any, settings: Settings
) -> None:
    table = settings.events_table
    arn, shard_id = _shard(dynamodb, streams, table)
    _put_events(dynamodb, table, 5)
    delivered = _read_after(streams, arn, shard_id, None)

    dropped = trim_stream(settings.region, table, int(delivered[2]))
    _put_events(dynamodb, table, 2, first=5)

    assert dropped == 3
    shard = dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region].tables[table].stream_shard
    assert shard is not None
    assert len(shard.items) == 4
    after = _read_after(streams, arn, shard_id, delivered[2])
    assert after[:2] == delivered[3:]
    assert len(after) == 4
    assert _read_after(streams, arn, shard_id, None) == after  # the horizon moved with them


def test_trimming_drops_the_iterators_no_reader_can_use_and_keeps_the_newest(
    dynamodb: Any, streams: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moto_limits, "SHARD_ITERATORS_KEPT", 3)
    table = settings.events_table
    arn, shard_id = _shard(dynamodb, streams, table)
    _put_events(dynamodb, table, 4)
    delivered = _read_after(streams, arn, shard_id, None)
    for _ in range(5):
        _read_after(streams, arn, shard_id, delivered[-1])
    iterators = dynamodbstreams_backends[DEFAULT_ACCOUNT_ID][settings.region].shard_iterators
    newest = list(iterators)[-1]

    trim_stream(settings.region, table, int(delivered[-1]))

    assert len(iterators) == 3
    assert newest in iterators
    start = int(delivered[-1]) + 1
    assert all(iterator.sequence_number >= start for iterator in iterators.values())
    assert streams.get_records(ShardIterator=newest)["Records"] == []


# -- transactions -----------------------------------------------------------------------------


def _transact(dynamodb: Any, table: str, *, fail: bool) -> None:
    condition = "attribute_exists(PK)" if fail else "attribute_not_exists(PK)"
    dynamodb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table, "Item": {"PK": _s("T#t#C#new"), "SK": _s("E#1")}}},
            {"Delete": {"TableName": table, "Key": {"PK": _s("T#t#C#old"), "SK": _s("E#1")}}},
            {
                "ConditionCheck": {
                    "TableName": table,
                    "Key": {"PK": _s("T#t#C#other"), "SK": _s("E#1")},
                    "ConditionExpression": condition,
                }
            },
        ]
    )


def _keys(dynamodb: Any, table: str) -> list[str]:
    return sorted(item["PK"]["S"] for item in dynamodb.scan(TableName=table)["Items"])


@pytest.mark.parametrize("fail", [False, True], ids=["commits", "rolls back"])
def test_a_transaction_on_cheap_snapshots_ends_as_on_moto(
    dynamodb: Any, settings: Settings, fail: bool
) -> None:
    table = settings.events_table
    results: list[tuple[list[str], bool]] = []
    for patch in (nullcontext, cheap_transaction_snapshots):
        for pk in ("T#t#C#new", "T#t#C#old"):
            dynamodb.delete_item(TableName=table, Key={"PK": _s(pk), "SK": _s("E#1")})
        dynamodb.put_item(TableName=table, Item={"PK": _s("T#t#C#old"), "SK": _s("E#1")})
        with patch():
            try:
                _transact(dynamodb, table, fail=fail)
                cancelled = False
            except dynamodb.exceptions.TransactionCanceledException:
                cancelled = True
        results.append((_keys(dynamodb, table), cancelled))

    assert results[0] == results[1]
    assert results[0][1] is fail


def test_a_transaction_snapshots_its_table_without_copying_the_items(
    dynamodb: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshots: list[str] = []
    snapshot = moto_limits._table_snapshot

    def counted(table: Table) -> Table:
        snapshots.append(table.name)
        clone = snapshot(table)
        assert all(
            clone.items[key][sort] is item
            for key, partition in table.items.items()
            for sort, item in partition.items()
        )
        return clone

    monkeypatch.setattr(moto_limits, "_table_snapshot", counted)
    dynamodb.put_item(
        TableName=settings.events_table, Item={"PK": _s("T#t#C#old"), "SK": _s("E#1")}
    )

    with cheap_transaction_snapshots():
        _transact(dynamodb, settings.events_table, fail=False)

    assert set(snapshots) == {settings.events_table}  # moto takes one per action naming it


def test_the_snapshot_internals_it_relies_on_are_there() -> None:
    require_snapshot_internals()  # fails after a moto upgrade that moved them: fix the patch


def test_every_patch_is_undone_when_the_stack_stops() -> None:
    patched: list[Callable[[], Any]] = [
        cheap_transaction_snapshots,
        partition_queries,
        untracked_models,
    ]
    before = (Table.query, Table.all_items, BaseModel.__dict__["__new__"])

    for patch in patched:
        with patch():
            pass

    assert (Table.query, Table.all_items, BaseModel.__dict__["__new__"]) == before
