"""Rapport's event store beside the `eventsourcing` library's DynamoDB recorder
(`eventsourcing-dynamodb`), on the same endpoint, in the same run, on equal tables.

Both append 1,000 events over 100 streams one event per append (as commands do, round-robin
over the streams), then read every stream back. Each side gets a fresh table with the same
stream setting, and the sides take turns going first, so neither profits from a warmer moto.
"""

from __future__ import annotations

import json
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

import boto3
from eventsourcing.persistence import StoredEvent as PeerEvent
from eventsourcing_dynamodb.recorders import DynamoAggregateRecorder

from bench.counting import Tally
from bench.stack import CLIENT_CONFIG, BenchStack
from chalicelib.eventstore.dynamodb import DynamoDBEventStore
from chalicelib.eventstore.port import NewEvent, StreamId
from chalicelib.tables import EVENTS

TOPIC = "rapport.domain.events:OutreachSent"


class PeerBenchError(Exception):
    """A store read back something other than what was written."""


@dataclass
class Side:
    """One store's totals over the rounds: requests per phase and each round's wall time."""

    name: str
    append: Tally = field(default_factory=Tally)
    read: Tally = field(default_factory=Tally)
    append_seconds: list[float] = field(default_factory=list)
    read_seconds: list[float] = field(default_factory=list)

    @property
    def append_wall(self) -> float:
        return statistics.median(self.append_seconds)

    @property
    def read_wall(self) -> float:
        return statistics.median(self.read_seconds)


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
        self._store = DynamoDBEventStore(stack.new_client(), table)
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


def _run(stack: BenchStack, side: Side, store: Store, streams: int, per_stream: int) -> None:
    started = time.perf_counter()
    with stack.counter.measure() as tally:
        for version in range(1, per_stream + 1):
            for stream in range(streams):
                store.append(stream, version)
    side.append_seconds.append(time.perf_counter() - started)
    side.append.add(tally)
    started = time.perf_counter()
    with stack.counter.measure() as tally:
        read = [store.read(stream) for stream in range(streams)]
    side.read_seconds.append(time.perf_counter() - started)
    side.read.add(tally)
    for stream, data in enumerate(read):
        if data != [_data(stream, v) for v in range(1, per_stream + 1)]:
            raise PeerBenchError(f"{side.name} read stream {stream} back wrong")


def compare(stack: BenchStack, streams: int, per_stream: int, rounds: int) -> PeerResult:
    """`rounds` rounds, each on fresh tables; Rapport goes first in even rounds."""
    rapport, peer = Side("Rapport DynamoDBEventStore"), Side("eventsourcing-dynamodb")
    client = stack.new_client()
    for round_ in range(rounds):
        ours, theirs = f"peer-rapport-{round_}", f"peer-es-{round_}"
        client.create_table(**EVENTS.create_table_kwargs(ours))
        client.create_table(**peer_table_kwargs(theirs))
        turns: list[tuple[Side, Store]] = [
            (rapport, _Rapport(stack, ours)),
            (peer, _Peer(stack, theirs)),
        ]
        for side, store in turns if round_ % 2 == 0 else reversed(turns):
            _run(stack, side, store, streams, per_stream)
        client.delete_table(TableName=ours)
        client.delete_table(TableName=theirs)
    return PeerResult(streams, per_stream, rounds, rapport, peer)
