"""Delivers a table's DynamoDB stream to a handler in the shape Lambda does, where no Lambda runs:
tests (`drain()` after writes keeps them deterministic), `pump` and the dev runner.

Like the event source mapping it stands in for, it remembers a position per shard, honours
`batchItemFailures` (redelivering from the lowest failed record), and sets a record aside,
logged with its keys, after `max_attempts` failed deliveries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

logger = logging.getLogger(__name__)

Deliver = Callable[[dict[str, Any]], Mapping[str, Any] | None]
MAX_EMPTY_HOPS = 5
MAX_DRAIN_PASSES = 1000


def lambda_record(record: Mapping[str, Any], stream_arn: str) -> dict[str, Any]:
    """A `get_records` record as Lambda hands it over: with `eventSourceARN`, and the creation
    time in epoch seconds (boto3 parses it into a datetime)."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    return {**record, "dynamodb": change, "eventSourceARN": stream_arn}


class StreamPump:
    """Reads every shard of a table's latest stream from where it last stopped."""

    def __init__(
        self,
        streams_client: Any,
        dynamodb_client: Any,
        table_name: str,
        deliver: Deliver,
        *,
        batch_size: int = 100,
        max_attempts: int = 3,
    ) -> None:
        self._streams = streams_client
        self._dynamodb = dynamodb_client
        self._table = table_name
        self._deliver = deliver
        self._batch_size = batch_size
        self._max_attempts = max_attempts
        self._positions: dict[str, str] = {}
        self._attempts: dict[str, int] = {}
        self.set_aside: list[dict[str, Any]] = []

    def drain(self) -> int:
        """Delivers until the stream has nothing new; returns the number of deliveries made."""
        total = 0
        for _ in range(MAX_DRAIN_PASSES):
            delivered = self.poll()
            if not delivered:
                return total
            total += delivered
        raise RuntimeError(f"the stream of {self._table} did not drain")

    def poll(self) -> int:
        """One batch per shard; returns how many records were delivered."""
        arn = self._stream_arn()
        delivered = 0
        for shard_id in self._shard_ids(arn):
            records = self._read(arn, shard_id)
            if records:
                self._deliver_batch(shard_id, records)
                delivered += len(records)
        return delivered

    def fetch(self) -> list[dict[str, Any]]:
        """Every new record, Lambda-shaped, without delivering it (tests deliver them their way)."""
        arn = self._stream_arn()
        found: list[dict[str, Any]] = []
        for shard_id in self._shard_ids(arn):
            while records := self._read(arn, shard_id):
                found += records
                self._positions[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
        return found

    def delivered_through(self) -> dict[str, int]:
        """Per shard, the sequence number of the last record delivered (or set aside)."""
        return {shard: int(sequence) for shard, sequence in self._positions.items()}

    def _deliver_batch(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        response = self._deliver({"Records": records}) or {}
        failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        index = next((i for i, r in enumerate(records) if _seq(r) in failed), None)
        if index is None:
            self._positions[shard_id] = _seq(records[-1])
            return
        if index:
            self._positions[shard_id] = _seq(records[index - 1])
        poison = records[index]
        attempts = self._attempts[_seq(poison)] = self._attempts.get(_seq(poison), 0) + 1
        if attempts >= self._max_attempts:
            logger.error(
                "setting aside stream record %s (keys %s) after %d attempts",
                _seq(poison),
                poison["dynamodb"].get("Keys"),
                attempts,
            )
            self.set_aside.append(poison)
            self._positions[shard_id] = _seq(poison)

    def _stream_arn(self) -> str:
        table = self._dynamodb.describe_table(TableName=self._table)["Table"]
        return str(table["LatestStreamArn"])

    def _shard_ids(self, arn: str) -> list[str]:
        shard_ids: list[str] = []
        kwargs: dict[str, Any] = {"StreamArn": arn}
        while True:
            description = self._streams.describe_stream(**kwargs)["StreamDescription"]
            shard_ids += [shard["ShardId"] for shard in description.get("Shards", [])]
            if not description.get("LastEvaluatedShardId"):
                return shard_ids
            kwargs["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]

    def _read(self, arn: str, shard_id: str) -> list[dict[str, Any]]:
        """The next batch after the shard's position; empty when there is nothing new."""
        position = self._positions.get(shard_id)
        kwargs: dict[str, Any] = {"StreamArn": arn, "ShardId": shard_id}
        if position is None:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        else:
            kwargs |= {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": position}
        iterator = self._streams.get_shard_iterator(**kwargs)["ShardIterator"]
        # Real streams may answer empty pages before reaching records: follow a few.
        for _ in range(MAX_EMPTY_HOPS):
            page = self._streams.get_records(ShardIterator=iterator, Limit=self._batch_size)
            if page.get("Records"):
                return [lambda_record(r, arn) for r in page["Records"]]
            iterator = page.get("NextShardIterator")
            if not iterator:
                break
        return []


def _seq(record: Mapping[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])
