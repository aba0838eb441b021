"""Rapport's event store beside the `eventsourcing` library's DynamoDB recorder
(`eventsourcing-dynamodb`), on the same endpoint, in the same run, on equal tables.

Both append 1,000 events over 100 streams one event per append (as commands do, round-robin
over the streams), then read every stream back. Each side gets a fresh table with the same
stream setting, and the two run interleaved in small blocks, taking turns to go first, so
neither profits from a quieter moment of a shared machine or a warmer moto.
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import boto3
from eventsourcing.persistence import StoredEvent as PeerEvent
from eventsourcing_dynamodb.recorders import DynamoAggregateRecorder

from bench.counting import Tally
from bench.stack import CLIENT_CONFIG, BenchStack
from chalicelib import bootstrap
from chalicelib.eventstore.port import NewEvent, StreamId
from chalicelib.tables import EVENTS

TOPIC = "rapport.domain.events:OutreachSent"
READ_BLOCK = 10


class PeerBenchError(Exception):
    """A store read back something other than what was written."""


@dataclass
class Side:
    """One store's totals over every round: requests and wall time per phase."""

    name: str
    append: Tally = field(default_factory=Tally)
    read: Tally = field(default_factory=Tally)
    append_seconds: float = 0.0
    read_seconds: float = 0.0


@dataclass(frozen=True)
class PeerResult:
    streams: int
    events_per_stream: int
    rounds: int
    rapport: Side
    peer: Side

    @property
    def appends(self) -> int:
        return self.streams * self.events_per_stream * self.rounds

    @property
    def reads(self) -> int:
        return self.streams * self.rounds


def _data(stream: int, version: int) -> dict[str, Any]:
    return {"channel": "email", "message": f"Hello from stream {stream}, step {version}."}


class Store(Protocol):
    """What the comparison does with either store."""

    def append(self, stream: int, version: int) -> None: ...

    def read(self, stream: int) -> list[dict[str, Any]]: ...


class _Rapport:
    def __init__(self, stack: BenchStack, table: str) -> None:
        self._store = bootstrap.event_store_on(stack.new_client(), table)
        self._now = stack.clock.now()

    def append(self, stream: int, version: int) -> None:
        event = NewEvent("outreach_sent", _data(stream, version), self._now, 1, uuid.uuid4().hex)
        self._store.append(
            StreamId("peer", f"s{stream}"),
            [event],
            expected_version=version - 1,
            owner_id="writer",
            recorded_at=self._now,
        )

    def read(self, stream: int) -> list[dict[str, Any]]:
        return [e.data for e in self._store.read(StreamId("peer", f"s{stream}"))]


class _Peer:
    def __init__(self, stack: BenchStack, table: str) -> None:
        resource = boto3.session.Session().resource(
            "dynamodb",
            region_name=stack.settings.region,
            endpoint_url=stack.endpoint_url,
            config=CLIENT_CONFIG,
        )
        stack.counter.attach(resource.meta.client)
        self._recorder = DynamoAggregateRecorder(table, resource)
        self._ids = [uuid.uuid5(uuid.NAMESPACE_URL, f"{table}/{n}") for n in range(1000)]

    def append(self, stream: int, version: int) -> None:
        state = json.dumps(_data(stream, version)).encode()
        self._recorder.insert_events([PeerEvent(self._ids[stream], version, TOPIC, state)])

    def read(self, stream: int) -> list[dict[str, Any]]:
        return [json.loads(e.state) for e in self._recorder.select_events(self._ids[stream])]


def peer_table_kwargs(name: str) -> dict[str, Any]:
    """The recorder's key schema, with the same stream setting as Rapport's events table."""
    return {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": "originator_id", "AttributeType": "S"},
            {"AttributeName": "originator_version", "AttributeType": "N"},
        ],
        "KeySchema": [
            {"AttributeName": "originator_id", "KeyType": "HASH"},
            {"AttributeName": "originator_version", "KeyType": "RANGE"},
        ],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    }


def _timed(stack: BenchStack, side: Side, phase: str, work: Callable[[], object]) -> None:
    started = time.perf_counter()
    with stack.counter.measure() as tally:
        work()
    elapsed = time.perf_counter() - started
    if phase == "append":
        side.append.add(tally)
        side.append_seconds += elapsed
    else:
        side.read.add(tally)
        side.read_seconds += elapsed


def _round(stack: BenchStack, pairs: list[tuple[Side, Store]], streams: int, per: int) -> None:
    """Interleaves the two in small blocks, taking turns to go first, so a busy moment of
    the machine falls on both alike: a block of appends is one version over every stream,
    a block of reads is `READ_BLOCK` streams."""
    for version in range(1, per + 1):
        for side, store in pairs if version % 2 else reversed(pairs):
            _timed(stack, side, "append", functools.partial(_append_all, store, version, streams))
    for block, first in enumerate(range(0, streams, READ_BLOCK)):
        wanted = range(first, min(streams, first + READ_BLOCK))
        for side, store in pairs if block % 2 else reversed(pairs):
            check = functools.partial(_check, store, wanted, per, side.name)
            _timed(stack, side, "read", check)


def _append_all(store: Store, version: int, streams: int) -> None:
    for stream in range(streams):
        store.append(stream, version)


def _check(store: Store, streams: range, per_stream: int, name: str) -> None:
    for stream in streams:
        if store.read(stream) != [_data(stream, v) for v in range(1, per_stream + 1)]:
            raise PeerBenchError(f"{name} read stream {stream} back wrong")


def compare(stack: BenchStack, streams: int, per_stream: int, rounds: int) -> PeerResult:
    """`rounds` rounds, each on a fresh pair of tables."""
    rapport, peer = Side("Rapport DynamoDBEventStore"), Side("eventsourcing-dynamodb")
    client = stack.new_client()
    for round_ in range(rounds):
        ours, theirs = f"peer-rapport-{round_}", f"peer-es-{round_}"
        client.create_table(**EVENTS.create_table_kwargs(ours))
        client.create_table(**peer_table_kwargs(theirs))
        pairs: list[tuple[Side, Store]] = [
            (rapport, _Rapport(stack, ours)),
            (peer, _Peer(stack, theirs)),
        ]
        _round(stack, pairs, streams, per_stream)
        client.delete_table(TableName=ours)
        client.delete_table(TableName=theirs)
    return PeerResult(streams, per_stream, rounds, rapport, peer)
