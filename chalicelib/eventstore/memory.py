"""An event store in a dict, for unit tests and the domain's fast feedback loop.

It keeps the same items the DynamoDB store writes and checks the same conditions under one
lock, so a test that passes against it cannot rely on anything DynamoDB would not do.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from chalicelib.eventstore import codec
from chalicelib.eventstore.port import (
    ConcurrencyError,
    DuplicateRequestError,
    IdempotencyRecord,
    LoadedStream,
    NewEvent,
    StoredEvent,
    StreamId,
)


class InMemoryEventStore:
    """Streams as `{partition key: {sort key: item}}`, safe to share between threads."""

    def __init__(self) -> None:
        self._partitions: dict[str, dict[str, codec.Item]] = {}
        self._lock = threading.Lock()

    def load(self, stream: StreamId) -> LoadedStream:
        pk = codec.partition_key(stream)
        with self._lock:
            items = sorted(self._partitions.get(pk, {}).items())
        return codec.decode_stream(stream, (item for _, item in items))

    def read(self, stream: StreamId, after_version: int = 0) -> list[StoredEvent]:
        return [event for event in self.load(stream).events if event.version > after_version]

    def streams(self) -> list[StreamId]:
        """Every stream that holds events (operators' rebuild and verify, in memory)."""
        with self._lock:
            items = [item for partition in self._partitions.values() for item in partition.values()]
        found = {
            StreamId(item["tenant_id"]["S"], item["contact_id"]["S"])
            for item in items
            if "contact_id" in item and "version" in item
        }
        return sorted(found, key=lambda stream: (stream.tenant_id, stream.contact_id))

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
        """Appends all events or none, with DynamoDB's conditions and their precedence."""
        stored = codec.stamp(
            stream,
            events,
            expected_version=expected_version,
            owner_id=owner_id,
            recorded_at=recorded_at,
            with_idempotency=idempotency is not None,
        )
        items = [codec.event_item(event) for event in stored]
        pk = codec.partition_key(stream)
        with self._lock:
            partition = self._partitions.setdefault(pk, {})
            if any(item["SK"]["S"] in partition for item in items):
                raise ConcurrencyError(f"{pk} already has an event after v{expected_version}")
            if idempotency is not None:
                record_item = codec.idempotency_item(stream, idempotency)
                self._check_replaceable(partition, record_item, recorded_at)
                items.append(record_item)
            partition.update((item["SK"]["S"], item) for item in items)
        return stored

    def redact(self, stream: StreamId, replacements: dict[int, dict[str, Any]]) -> None:
        pk = codec.partition_key(stream)
        with self._lock:
            partition = self._partitions.get(pk, {})
            missing = [v for v in replacements if codec.event_sort_key(v) not in partition]
            if missing:
                raise ValueError(f"{pk} has no versions {sorted(missing)} to redact")
            for version, data in replacements.items():
                sort_key = codec.event_sort_key(version)
                partition[sort_key] = {**partition[sort_key], "data": codec.encoded_data(data)}
            for sort_key in [sk for sk in partition if sk.startswith(codec.IDEMPOTENCY_PREFIX)]:
                del partition[sort_key]

    @staticmethod
    def _check_replaceable(
        partition: dict[str, codec.Item], record_item: codec.Item, now: datetime
    ) -> None:
        existing = partition.get(record_item["SK"]["S"])
        if existing is not None and int(existing["expires_at"]["N"]) > codec.epoch_seconds(now):
            raise DuplicateRequestError(f"a live record exists at {record_item['SK']['S']}")
