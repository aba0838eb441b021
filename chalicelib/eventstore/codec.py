"""Events and idempotency records as DynamoDB items, and the rules every append obeys.

Both stores keep these very items (the in-memory one in a dict), so the fake cannot drift
from DynamoDB in what survives a round trip: `data` is a JSON string, times are whole UTC
strings, and idempotency expiry is whole epoch seconds, as the table's TTL needs.
(The claims of keys, in their users' partitions, are laid out in `key_claims.py`.)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from chalicelib.eventstore.port import (
    IdempotencyRecord,
    LoadedStream,
    NewEvent,
    StoredEvent,
    StreamId,
    StreamStart,
)
from chalicelib.timefmt import iso_exact, parse_iso

Item = dict[str, dict[str, str]]

# DynamoDB's TransactWriteItems takes at most 100 actions.
MAX_ITEMS_PER_APPEND = 100
# An idempotent append writes two items beside its events: the record and its key's claim.
IDEMPOTENCY_ITEMS = 2
EVENT_PREFIX = "E#"
IDEMPOTENCY_PREFIX = "I#"
LAST_EVENT_SORT_KEY = f"{EVENT_PREFIX}{'9' * 10}"


def partition_key(stream: StreamId) -> str:
    """`T#{tenant}#C#{contact}`; a `#` inside an id could make two tenants' keys collide."""
    for name, value in (("tenant_id", stream.tenant_id), ("contact_id", stream.contact_id)):
        if not value or "#" in value:
            raise ValueError(f"{name} must be non-empty and free of '#': {value!r}")
    return f"T#{stream.tenant_id}#C#{stream.contact_id}"


def event_sort_key(version: int) -> str:
    return f"{EVENT_PREFIX}{version:010d}"


def idempotency_sort_key(user_id: str, key: str) -> str:
    return f"{IDEMPOTENCY_PREFIX}{user_id}#{key}"


def epoch_seconds(moment: datetime) -> int:
    """Whole seconds, rounded down: `expires_at <= epoch_seconds(now)` then equals `<= now`."""
    return math.floor(_utc(moment, "time").timestamp())


def stamp(
    stream: StreamId,
    events: Sequence[NewEvent],
    *,
    expected_version: int,
    owner_id: str,
    recorded_at: datetime,
    with_idempotency: bool,
) -> list[StoredEvent]:
    """Gives new events their versions, refusing appends no DynamoDB transaction could hold."""
    if not events:
        raise ValueError("an append needs at least one event")
    if expected_version < 0:
        raise ValueError(f"expected_version must be >= 0, got {expected_version}")
    items = len(events) + (IDEMPOTENCY_ITEMS if with_idempotency else 0)
    if items > MAX_ITEMS_PER_APPEND:
        raise ValueError(
            f"an append writes at most {MAX_ITEMS_PER_APPEND} items "
            f"(events plus an idempotency record and its key's claim), got {items}"
        )
    recorded = _utc(recorded_at, "recorded_at")
    return [
        StoredEvent(
            stream=stream,
            version=expected_version + offset,
            type=event.type,
            data=_decode_data(_encode_data(event.data)),
            occurred_at=_utc(event.occurred_at, "occurred_at"),
            recorded_at=recorded,
            schema_version=event.schema_version,
            event_id=event.event_id,
            actor=event.actor,
            correlation_id=event.correlation_id,
            owner_id=owner_id,
        )
        for offset, event in enumerate(events, start=1)
    ]


def first_event(start: StreamStart, recorded_at: datetime) -> StoredEvent:
    """The stored form of a new stream's first event (`EventStore.start_streams`)."""
    (stored,) = stamp(
        start.stream,
        [start.event],
        expected_version=0,
        owner_id=start.owner_id,
        recorded_at=recorded_at,
        with_idempotency=False,
    )
    return stored


def event_item(event: StoredEvent) -> Item:
    return {
        "PK": {"S": partition_key(event.stream)},
        "SK": {"S": event_sort_key(event.version)},
        "tenant_id": {"S": event.stream.tenant_id},
        "contact_id": {"S": event.stream.contact_id},
        "owner_id": {"S": event.owner_id},
        "version": {"N": str(event.version)},
        "type": {"S": event.type},
        "schema_version": {"N": str(event.schema_version)},
        "data": {"S": _encode_data(event.data)},
        "event_id": {"S": event.event_id},
        "occurred_at": {"S": iso_exact(event.occurred_at)},
        "recorded_at": {"S": iso_exact(event.recorded_at)},
        "actor": {"S": event.actor},
        "correlation_id": {"S": event.correlation_id},
    }


def idempotency_item(stream: StreamId, record: IdempotencyRecord) -> Item:
    return {
        "PK": {"S": partition_key(stream)},
        "SK": {"S": idempotency_sort_key(record.user_id, record.key)},
        "user_id": {"S": record.user_id},
        "key": {"S": record.key},
        "request_hash": {"S": record.request_hash},
        "status": {"N": str(record.status)},
        "body": {"S": _encode_data(record.body)},
        "expires_at": {"N": str(epoch_seconds(record.expires_at))},
    }


def encoded_data(data: Mapping[str, Any]) -> dict[str, str]:
    """The `data` attribute value for a redaction's UpdateItem."""
    return {"S": _encode_data(data)}


def decode_stream(stream: StreamId, items: Iterable[Mapping[str, Any]]) -> LoadedStream:
    """Events oldest first, then idempotency records; other item kinds are left for others."""
    events: list[StoredEvent] = []
    records: list[IdempotencyRecord] = []
    for item in items:
        sort_key = item["SK"]["S"]
        if sort_key.startswith(EVENT_PREFIX):
            events.append(decode_event(stream, item))
        elif sort_key.startswith(IDEMPOTENCY_PREFIX):
            records.append(_decode_idempotency(item))
    events.sort(key=lambda event: event.version)
    return LoadedStream(stream=stream, events=tuple(events), idempotency=tuple(records))


def decode_event(stream: StreamId, item: Mapping[str, Any]) -> StoredEvent:
    return StoredEvent(
        stream=stream,
        version=int(item["version"]["N"]),
        type=item["type"]["S"],
        data=_decode_data(item["data"]["S"]),
        occurred_at=parse_iso(item["occurred_at"]["S"]),
        recorded_at=parse_iso(item["recorded_at"]["S"]),
        schema_version=int(item["schema_version"]["N"]),
        event_id=item["event_id"]["S"],
        actor=item["actor"]["S"],
        # The event's metadata; an item written without it (a tool, a restore) reads as none.
        correlation_id=item.get("correlation_id", {}).get("S", ""),
        owner_id=item["owner_id"]["S"],
    )


def _decode_idempotency(item: Mapping[str, Any]) -> IdempotencyRecord:
    return IdempotencyRecord(
        user_id=item["user_id"]["S"],
        key=item["key"]["S"],
        request_hash=item["request_hash"]["S"],
        status=int(item["status"]["N"]),
        body=_decode_data(item["body"]["S"]),
        expires_at=datetime.fromtimestamp(int(item["expires_at"]["N"]), UTC),
    )


def _encode_data(data: Mapping[str, Any]) -> str:
    # NaN and Infinity are not JSON: refuse them here rather than store what no reader parses.
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _decode_data(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    return data


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment.astimezone(UTC)
