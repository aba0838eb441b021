"""An event store in a dict, for unit tests and the domain's fast feedback loop.

It keeps the same items the DynamoDB store writes and checks the same conditions under one
lock, so a test that passes against it cannot rely on anything DynamoDB would not do.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

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


class InMemoryEventStore:
    """Streams (and users' key claims) as `{partition key: {sort key: item}}`, safe to share
    between threads."""

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
            partition = self._partitions.get(pk, {})
            if any(item["SK"]["S"] in partition for item in items):
                raise ConcurrencyError(f"{pk} already has an event after v{expected_version}")
            if idempotency is not None:
                record = codec.idempotency_item(stream, idempotency)
                claim = key_claims.claim_item(stream.tenant_id, idempotency)
                if self._is_live(record, recorded_at):
                    raise DuplicateRequestError(f"{pk} has a live record for this key")
                if self._is_live(claim, recorded_at):
                    raise KeyClaimedError(idempotency.key)
                items += [record, claim]
            for item in items:
                self._partitions.setdefault(item["PK"]["S"], {})[item["SK"]["S"]] = item
        return stored

    def key_claim(self, tenant_id: str, user_id: str, key: str) -> KeyClaim | None:
        found = self._item(key_claims.claim_key(tenant_id, user_id, key))
        return key_claims.decode_claim(found) if found else None

    def started(self, streams: Sequence[StreamId]) -> set[StreamId]:
        first = codec.event_sort_key(1)
        with self._lock:
            return {
                stream
                for stream in streams
                if first in self._partitions.get(codec.partition_key(stream), {})
            }

    def start_streams(
        self, starts: Sequence[StreamStart], *, recorded_at: datetime
    ) -> list[StoredEvent]:
        stored = [codec.first_event(start, recorded_at) for start in starts]
        with self._lock:
            for event in stored:
                item = codec.event_item(event)
                self._partitions.setdefault(item["PK"]["S"], {})[item["SK"]["S"]] = item
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
                record = partition.pop(sort_key)
                self._free_claim(stream.tenant_id, record)

    def _free_claim(self, tenant_id: str, record: codec.Item) -> None:
        """The claim of an erased request's key goes, unless another request took it since."""
        key = key_claims.claim_key(tenant_id, record["user_id"]["S"], record["key"]["S"])
        claims = self._partitions.get(key["PK"]["S"], {})
        claim = claims.get(key["SK"]["S"])
        if claim is not None and claim["request_hash"] == record["request_hash"]:
            del claims[key["SK"]["S"]]

    def _item(self, key: codec.Item) -> codec.Item | None:
        with self._lock:
            return self._partitions.get(key["PK"]["S"], {}).get(key["SK"]["S"])

    def _is_live(self, item: codec.Item, now: datetime) -> bool:
        """Whether a live item holds this key: the opposite of DynamoDB's condition
        `attribute_not_exists(SK) OR expires_at <= :now` (called under the lock)."""
        existing = self._partitions.get(item["PK"]["S"], {}).get(item["SK"]["S"])
        return existing is not None and int(existing["expires_at"]["N"]) > codec.epoch_seconds(now)
