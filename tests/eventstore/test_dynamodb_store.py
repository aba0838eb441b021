"""What only the DynamoDB store promises: its item layout and how few requests it makes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.adapters import aws
from chalicelib.clock import FixedClock
from chalicelib.eventstore.dynamodb import DynamoDBEventStore
from chalicelib.eventstore.port import (
    ConcurrencyError,
    DuplicateRequestError,
    IdempotencyRecord,
    KeyClaimedError,
    NewEvent,
    StreamId,
)
from chalicelib.settings import Settings

STREAM = StreamId("tenant-a", "contact-1")
PK = {"S": "T#tenant-a#C#contact-1"}


def event(**data: Any) -> NewEvent:
    return NewEvent("note_added", data, datetime(2026, 11, 26, 13, 0, 0, 5, tzinfo=UTC), 3, "e-1")


def record(now: datetime) -> IdempotencyRecord:
    return IdempotencyRecord("user-1", "key-1", "h", 201, {"ok": True}, now + timedelta(hours=24))


@pytest.fixture
def client(aws_mock: None, settings: Settings) -> Any:
    return aws.client("dynamodb", settings)


@pytest.fixture
def store(client: Any, settings: Settings) -> DynamoDBEventStore:
    return DynamoDBEventStore(client, settings.events_table)


@pytest.fixture
def calls(client: Any) -> Iterator[list[str]]:
    """The names of the DynamoDB operations the client sends, in order."""
    names: list[str] = []

    def record_call(model: Any, **_: Any) -> None:
        names.append(model.name)

    client.meta.events.register("before-call.dynamodb", record_call)
    yield names
    client.meta.events.unregister("before-call.dynamodb", record_call)


def test_items_follow_the_table_layout(
    store: DynamoDBEventStore, client: Any, settings: Settings, clock: FixedClock
) -> None:
    store.append(
        STREAM,
        [event(name="Zoë")],
        expected_version=0,
        owner_id="user-1",
        recorded_at=clock.now(),
        idempotency=record(clock.now()),
    )
    items = client.query(
        TableName=settings.events_table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": PK},
    )["Items"]
    assert items == [
        {
            "PK": PK,
            "SK": {"S": "E#0000000001"},
            "tenant_id": {"S": "tenant-a"},
            "contact_id": {"S": "contact-1"},
            "owner_id": {"S": "user-1"},
            "version": {"N": "1"},
            "type": {"S": "note_added"},
            "schema_version": {"N": "3"},
            "data": {"S": '{"name":"Zoë"}'},
            "event_id": {"S": "e-1"},
            "occurred_at": {"S": "2026-11-26T13:00:00.000005Z"},
            "recorded_at": {"S": "2026-11-26T14:00:00Z"},
            "actor": {"S": ""},
            "correlation_id": {"S": ""},
        },
        {
            "PK": PK,
            "SK": {"S": "I#user-1#key-1"},
            "user_id": {"S": "user-1"},
            "key": {"S": "key-1"},
            "request_hash": {"S": "h"},
            "status": {"N": "201"},
            "body": {"S": '{"ok":true}'},
            "expires_at": {"N": str(int(clock.now().timestamp()) + 86400)},
        },
    ]


def test_a_keys_claim_sits_in_the_users_partition_and_holds_no_answer(
    store: DynamoDBEventStore, client: Any, settings: Settings, clock: FixedClock
) -> None:
    store.append(
        STREAM,
        [event(name="Zoë")],
        expected_version=0,
        owner_id="user-1",
        recorded_at=clock.now(),
        idempotency=record(clock.now()),
    )
    items = client.query(
        TableName=settings.events_table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "T#tenant-a#U#user-1"}},
    )["Items"]
    assert items == [
        {
            "PK": {"S": "T#tenant-a#U#user-1"},
            "SK": {"S": "I#key-1"},
            "tenant_id": {"S": "tenant-a"},
            "user_id": {"S": "user-1"},
            "key": {"S": "key-1"},
            "request_hash": {"S": "h"},
            "expires_at": {"N": str(int(clock.now().timestamp()) + 86400)},
        }
    ]


def test_a_key_with_hashes_and_spaces_names_one_claim(
    store: DynamoDBEventStore, clock: FixedClock
) -> None:
    key = "T#x#C#y I#z"
    odd = IdempotencyRecord("user-1", key, "h", 0, {}, clock.now() + timedelta(hours=1))
    store.append(
        STREAM,
        [event()],
        expected_version=0,
        owner_id="user-1",
        recorded_at=clock.now(),
        idempotency=odd,
    )
    claim = store.key_claim("tenant-a", "user-1", key)
    assert claim is not None
    assert claim.key == key
    assert store.key_claim("tenant-a", "user-1", "T#x#C#y") is None


def test_a_record_kept_before_claims_existed_still_loads_and_guards_its_stream(
    store: DynamoDBEventStore, client: Any, settings: Settings, clock: FixedClock
) -> None:
    """Records on a contact's stream with no claim beside them (written before claims) replay
    for the rest of their 24 h, and a later write with their key on that stream is refused."""
    store.append(STREAM, [event()], expected_version=0, owner_id="user-1", recorded_at=clock.now())
    legacy = {
        "PK": PK,
        "SK": {"S": "I#user-1#key-1"},
        "user_id": {"S": "user-1"},
        "key": {"S": "key-1"},
        "request_hash": {"S": "h"},
        "status": {"N": "201"},
        "body": {"S": '{"ok":true}'},
        "expires_at": {"N": str(int(clock.now().timestamp()) + 3600)},
    }
    client.put_item(TableName=settings.events_table, Item=legacy)

    loaded = store.load(STREAM)

    assert loaded.idempotency_record("user-1", "key-1") == IdempotencyRecord(
        "user-1", "key-1", "h", 201, {"ok": True}, clock.now() + timedelta(hours=1)
    )
    assert store.key_claim("tenant-a", "user-1", "key-1") is None
    with pytest.raises(DuplicateRequestError):
        store.append(
            STREAM,
            [event()],
            expected_version=1,
            owner_id="user-1",
            recorded_at=clock.now(),
            idempotency=record(clock.now()),
        )
    assert store.key_claim("tenant-a", "user-1", "key-1") is None


def test_each_operation_makes_one_request_and_never_scans(
    store: DynamoDBEventStore, calls: list[str], clock: FixedClock
) -> None:
    append: dict[str, Any] = {"owner_id": "user-1", "recorded_at": clock.now()}
    store.append(STREAM, [event(n=1)], expected_version=0, **append)
    assert calls == ["PutItem"]
    calls.clear()
    store.append(STREAM, [event(n=2), event(n=3)], expected_version=1, **append)
    assert calls == ["TransactWriteItems"]
    calls.clear()
    store.append(
        STREAM, [event(n=4)], expected_version=3, idempotency=record(clock.now()), **append
    )
    assert calls == ["TransactWriteItems"]
    calls.clear()
    loaded = store.load(STREAM)
    assert calls == ["Query"]
    calls.clear()
    assert [e.version for e in store.read(STREAM, after_version=2)] == [3, 4]
    assert calls == ["Query"]
    assert loaded.version == 4
    assert loaded.idempotency_record("user-1", "key-1") is not None
    calls.clear()
    assert store.key_claim("tenant-a", "user-1", "key-1") is not None
    assert calls == ["GetItem"]


def test_a_stream_past_one_megabyte_loads_over_several_pages(
    store: DynamoDBEventStore, calls: list[str], clock: FixedClock
) -> None:
    padding = "x" * 100_000
    for version in range(12):
        store.append(
            STREAM,
            [event(n=version, padding=padding)],
            expected_version=version,
            owner_id="user-1",
            recorded_at=clock.now(),
        )
    calls.clear()
    assert [e.version for e in store.load(STREAM).events] == list(range(1, 13))
    assert calls == ["Query", "Query"]
    calls.clear()
    assert [e.version for e in store.read(STREAM)] == list(range(1, 13))
    assert calls == ["Query", "Query"]


class CancellingClient:
    """A client whose transactions are cancelled for the given per-item reasons."""

    def __init__(self, *codes: str) -> None:
        self.codes = codes

    def transact_write_items(self, **_: Any) -> None:
        reasons = [{"Code": code} for code in self.codes]
        response: Any = {
            "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
            "CancellationReasons": reasons,
        }
        raise ClientError(response, "TransactWriteItems")


@pytest.mark.parametrize(
    ("codes", "error"),
    [
        (("ConditionalCheckFailed", "None", "ConditionalCheckFailed"), ConcurrencyError),
        (("None", "TransactionConflict", "None"), ConcurrencyError),
        (("None", "None", "ConditionalCheckFailed"), DuplicateRequestError),
        (("None", "None", "TransactionConflict"), ConcurrencyError),
        (("None", "ThrottlingError", "None"), ClientError),
        # With the claim: events, record, claim.
        (("None", "None", "None", "ConditionalCheckFailed"), KeyClaimedError),
        (("None", "None", "None", "TransactionConflict"), ConcurrencyError),
        (
            ("None", "None", "ConditionalCheckFailed", "ConditionalCheckFailed"),
            DuplicateRequestError,
        ),
        (("ConditionalCheckFailed", "None", "None", "ConditionalCheckFailed"), ConcurrencyError),
        (("None", "None", "None", "ThrottlingError"), ClientError),
    ],
)
def test_a_cancelled_transaction_maps_to_the_error_its_reasons_name(
    codes: tuple[str, ...], error: type[Exception], clock: FixedClock
) -> None:
    store = DynamoDBEventStore(CancellingClient(*codes), "events")
    with pytest.raises(error):
        store.append(
            STREAM,
            [event(n=1), event(n=2)],
            expected_version=0,
            owner_id="user-1",
            recorded_at=clock.now(),
            idempotency=record(clock.now()),
        )


class ThrottlingBatchClient:
    """Leaves the first item of each batch unprocessed `rounds` times, as DynamoDB does under
    throttling, then takes everything; records the sizes of the batches it was sent."""

    def __init__(self, rounds: int) -> None:
        self.rounds = rounds
        self.sizes: list[int] = []

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803 (boto3)
        (puts,) = RequestItems.values()
        self.sizes.append(len(puts))
        if self.rounds > 0:
            self.rounds -= 1
            return {"UnprocessedItems": {"events": puts[:1]}}
        return {"UnprocessedItems": {}}

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803 (boto3)
        (request,) = RequestItems.values()
        self.sizes.append(len(request["Keys"]))
        if self.rounds > 0:
            self.rounds -= 1
            return {"Responses": {}, "UnprocessedKeys": {"events": {**request, "Keys": []}}}
        return {"Responses": {"events": request["Keys"][:1]}}


def test_batch_writes_send_unprocessed_items_again_after_a_wait(clock: FixedClock) -> None:
    from chalicelib.dynamo.batches import UnprocessedBatchError
    from chalicelib.eventstore.port import StreamStart

    waits: list[float] = []
    starts = [StreamStart(StreamId("t", f"c{n}"), event(n=n), "u") for n in range(30)]
    client = ThrottlingBatchClient(rounds=2)
    store = DynamoDBEventStore(client, "events", sleep=waits.append)

    store.start_streams(starts, recorded_at=clock.now())

    assert client.sizes == [25, 1, 1, 5]  # the batch, its leftover twice, the next batch
    assert len(waits) == 2

    stubborn = DynamoDBEventStore(ThrottlingBatchClient(rounds=99), "events", sleep=waits.append)
    with pytest.raises(UnprocessedBatchError):
        stubborn.start_streams(starts, recorded_at=clock.now())


def test_a_thousand_first_events_take_forty_writes_and_ten_reads(
    store: DynamoDBEventStore, calls: list[str], clock: FixedClock
) -> None:
    from chalicelib.eventstore.port import StreamStart

    starts = [StreamStart(StreamId("t", f"c{n}"), event(n=n), "u") for n in range(1000)]

    assert store.started([s.stream for s in starts]) == set()
    store.start_streams(starts, recorded_at=clock.now())
    assert len(store.started([s.stream for s in starts])) == 1000

    assert calls == ["BatchGetItem"] * 10 + ["BatchWriteItem"] * 40 + ["BatchGetItem"] * 10
