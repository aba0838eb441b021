"""The event store on DynamoDB: one partition per contact stream, conditional writes as the lock.

Events sit at `E#{version:010d}` and idempotency records at `I#{user}#{key}` in the same
partition, so a command's one Query returns both, and one transaction writes both, together
with the claim of the record's key in the user's own partition (`key_claims.py`): the claim's
condition is what keeps one key to one request across all the user's contacts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.dynamo.batches import UnprocessedBatchError, batch_write
from chalicelib.dynamo.errors import (
    CONDITION_FAILED,
    CONFLICT,
    NO_REASON,
    cancellation_reasons,
    is_condition_failure,
    lost_race,
)
from chalicelib.dynamo.pages import query_items
from chalicelib.eventstore import codec, key_claims
from chalicelib.eventstore.port import (
    ConcurrencyError,
    DuplicateRequestError,
    IdempotencyRecord,
    KeyClaim,
    KeyClaimedError,
    LoadedStream,
    NewEvent,
    StoredEvent,
    StreamId,
    StreamStart,
)
from chalicelib.retry import RetryPolicy

# The optimistic lock: a version can be written once. Never a silent overwrite.
_NEW_ITEM = "attribute_not_exists(SK)"
# An idempotency key stays taken until its record expires; TTL deletion may lag by days. The
# record on the stream and the claim in the user's partition carry the same condition.
_FREE_OR_EXPIRED = "attribute_not_exists(SK) OR expires_at <= :now"
# Erasure frees a key only while the claim is still the erased request's own.
_CLAIMED_BY = "request_hash = :hash"
# DynamoDB's limit per BatchGetItem (BatchWriteItem's is `dynamo.batches`').
_BATCH_GET = 100
# Keys or items a batch left unprocessed (throttling) are sent again after a jittered wait;
# more rounds than this and the store is overloaded: the caller's request fails.
_BATCH_ROUNDS = 8


class DynamoDBEventStore:
    """Reads and appends contact streams with the low-level boto3 DynamoDB client."""

    def __init__(
        self, client: Any, table_name: str, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._client = client
        self._table = table_name
        self._batch_retry = RetryPolicy(_BATCH_ROUNDS, 0.05, sleep)

    def load(self, stream: StreamId) -> LoadedStream:
        pk = codec.partition_key(stream)
        items = self._query("PK = :pk", {":pk": {"S": pk}})
        return codec.decode_stream(stream, items)

    def read(self, stream: StreamId, after_version: int = 0) -> list[StoredEvent]:
        # BETWEEN keeps the range inside the `E#` items, whatever else shares the partition.
        values = {
            ":pk": {"S": codec.partition_key(stream)},
            ":first": {"S": codec.event_sort_key(max(after_version, 0) + 1)},
            ":last": {"S": codec.LAST_EVENT_SORT_KEY},
        }
        items = self._query("PK = :pk AND SK BETWEEN :first AND :last", values)
        return [codec.decode_event(stream, item) for item in items]

    def append(
        self,
        stream: StreamId,
        events: Sequence[NewEvent],
        *,
        expected_version: int,
        owner_id: str,
        recorded_at: datetime,
        idempotency: IdempotencyRecord | None = None,
    ) -> list[StoredEvent]:
        """One PutItem for a lone event, else one TransactWriteItems with every item."""
        stored = codec.stamp(
            stream,
            events,
            expected_version=expected_version,
            owner_id=owner_id,
            recorded_at=recorded_at,
            with_idempotency=idempotency is not None,
        )
        puts = [
            {
                "TableName": self._table,
                "Item": codec.event_item(e),
                "ConditionExpression": _NEW_ITEM,
            }
            for e in stored
        ]
        if len(puts) == 1 and idempotency is None:
            self._put_event(puts[0], expected_version)
            return stored
        if idempotency is not None:
            now = {":now": {"N": str(codec.epoch_seconds(recorded_at))}}
            for item in (
                codec.idempotency_item(stream, idempotency),
                key_claims.claim_item(stream.tenant_id, idempotency),
            ):
                puts.append(
                    {
                        "TableName": self._table,
                        "Item": item,
                        "ConditionExpression": _FREE_OR_EXPIRED,
                        "ExpressionAttributeValues": now,
                    }
                )
        key = idempotency.key if idempotency else None
        self._transact(puts, event_count=len(stored), expected_version=expected_version, key=key)
        return stored

    def key_claim(self, tenant_id: str, user_id: str, key: str) -> KeyClaim | None:
        item = self._client.get_item(
            TableName=self._table,
            Key=key_claims.claim_key(tenant_id, user_id, key),
            ConsistentRead=True,
        ).get("Item")
        return key_claims.decode_claim(item) if item else None

    def started(self, streams: Sequence[StreamId]) -> set[StreamId]:
        """BatchGetItem of each stream's first event, keys only, 100 streams a request."""
        by_key = {codec.partition_key(stream): stream for stream in streams}
        first = codec.event_sort_key(1)
        found: set[StreamId] = set()
        keys = [{"PK": {"S": pk}, "SK": {"S": first}} for pk in by_key]
        for start in range(0, len(keys), _BATCH_GET):
            request = {
                self._table: {
                    "Keys": keys[start : start + _BATCH_GET],
                    "ProjectionExpression": "PK",
                    "ConsistentRead": True,
                }
            }
            for attempt in self._batch_retry.attempts():
                response = self._client.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self._table, []):
                    found.add(by_key[item["PK"]["S"]])
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                attempt.failed()
            if request:
                raise UnprocessedBatchError("DynamoDB kept throttling the read of first events")
        return found

    def start_streams(
        self, starts: Sequence[StreamStart], *, recorded_at: datetime
    ) -> list[StoredEvent]:
        """BatchWriteItem of the first events, 25 a request, unprocessed items sent again."""
        stored = [codec.first_event(start, recorded_at) for start in starts]
        puts = [{"PutRequest": {"Item": codec.event_item(event)}} for event in stored]
        batch_write(self._client, self._table, puts, self._batch_retry, what="new contacts")
        return stored

    def redact(self, stream: StreamId, replacements: dict[int, dict[str, Any]]) -> None:
        """Checks every version first, then updates each event and deletes each record.

        Not one transaction: a long stream can exceed 100 items, and a rerun after a partial
        failure finishes the job, which is all erasure needs.
        """
        loaded = self.load(stream)
        missing = sorted(set(replacements) - {event.version for event in loaded.events})
        if missing:
            raise ValueError(f"{codec.partition_key(stream)} has no versions {missing} to redact")
        pk = {"S": codec.partition_key(stream)}
        for version, data in replacements.items():
            self._client.update_item(
                TableName=self._table,
                Key={"PK": pk, "SK": {"S": codec.event_sort_key(version)}},
                UpdateExpression="SET #data = :data",
                ConditionExpression="attribute_exists(SK)",
                ExpressionAttributeNames={"#data": "data"},
                ExpressionAttributeValues={":data": codec.encoded_data(data)},
            )
        for record in loaded.idempotency:
            # The claim first: a rerun after a failure finds the record and frees it again.
            self._free_claim(stream.tenant_id, record)
            sort_key = codec.idempotency_sort_key(record.user_id, record.key)
            self._client.delete_item(TableName=self._table, Key={"PK": pk, "SK": {"S": sort_key}})

    def _free_claim(self, tenant_id: str, record: IdempotencyRecord) -> None:
        """Deletes the claim of an erased request's key, unless another request took it since
        (records written before claims existed have none: nothing to delete)."""
        try:
            self._client.delete_item(
                TableName=self._table,
                Key=key_claims.claim_key(tenant_id, record.user_id, record.key),
                ConditionExpression=_CLAIMED_BY,
                ExpressionAttributeValues={":hash": {"S": record.request_hash}},
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise

    def _query(self, condition: str, values: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every page of a strongly consistent Query: one request unless past 1 MB."""
        return query_items(
            self._client,
            TableName=self._table,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            ConsistentRead=True,
        )

    def _put_event(self, put: dict[str, Any], expected_version: int) -> None:
        try:
            self._client.put_item(**put)
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            raise ConcurrencyError(f"stream moved past v{expected_version}") from error

    def _transact(
        self,
        puts: list[dict[str, Any]],
        *,
        event_count: int,
        expected_version: int,
        key: str | None,
    ) -> None:
        try:
            self._client.transact_write_items(TransactItems=[{"Put": put} for put in puts])
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if reasons is None:
                raise
            # Reasons come in item order: the events, then the idempotency record and the claim.
            if lost_race(error, slice(event_count)):
                raise ConcurrencyError(f"stream moved past v{expected_version}") from error
            record, claim = (*reasons[event_count:], NO_REASON, NO_REASON)[:2]
            if CONFLICT in (record, claim):
                raise ConcurrencyError("another write holds this idempotency key") from error
            if record == CONDITION_FAILED:
                raise DuplicateRequestError("a live idempotency record has this key") from error
            if claim == CONDITION_FAILED and key is not None:
                raise KeyClaimedError(key) from error
            raise
