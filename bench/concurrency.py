"""Two writers at the same version, on each store: who wins, and does anyone find out?

Deterministic on purpose: both writers read the stream at version 1, then A appends version 2,
then B appends version 2. That is the interleaving every race between two commands reduces to,
without depending on thread timing (or on moto, which checks a condition and writes in two
Python steps and could let two truly simultaneous conditional writes both through).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import boto3
from eventsourcing.persistence import IntegrityError
from eventsourcing.persistence import StoredEvent as PeerEvent
from eventsourcing.popo import POPOAggregateRecorder
from eventsourcing_dynamodb.recorders import DynamoAggregateRecorder

from bench.peer import TOPIC, peer_table_kwargs
from bench.stack import CLIENT_CONFIG, BenchStack
from chalicelib import bootstrap
from chalicelib.eventstore.port import ConcurrencyError, NewEvent, StreamId
from chalicelib.tables import EVENTS


@dataclass(frozen=True)
class RaceOutcome:
    """What writer B was told, and what the stream holds afterwards."""

    store: str
    b_was_told: str
    versions_after: list[int]
    version_2_written_by: str

    @property
    def lost_write(self) -> bool:
        """A's append was acknowledged and is gone."""
        return self.version_2_written_by != "A"

    def describe(self) -> str:
        kept = ", ".join(f"v{v}" for v in self.versions_after)
        fate = "A's acknowledged event is lost" if self.lost_write else "A's event kept"
        return (
            f"B was told: {self.b_was_told}; the stream holds {kept}; "
            f"v2 is {self.version_2_written_by}'s ({fate})"
        )


def rapport_race(stack: BenchStack) -> RaceOutcome:
    client = stack.new_client()
    client.create_table(**EVENTS.create_table_kwargs("race-rapport"))
    store = bootstrap.event_store_on(client, "race-rapport")
    stream = StreamId("race", "contact")
    now = stack.clock.now()

    def event(writer: str) -> NewEvent:
        return NewEvent("research_noted", {"writer": writer}, now, 1, uuid.uuid4().hex)

    store.append(stream, [event("setup")], expected_version=0, owner_id="u", recorded_at=now)
    a_saw, b_saw = store.load(stream).version, store.load(stream).version
    store.append(stream, [event("A")], expected_version=a_saw, owner_id="u", recorded_at=now)
    try:
        store.append(stream, [event("B")], expected_version=b_saw, owner_id="u", recorded_at=now)
        told = "success"
    except ConcurrencyError as error:
        told = f"{type(error).__name__} ({error})"
    events = store.read(stream)
    client.delete_table(TableName="race-rapport")
    writer = next(str(e.data["writer"]) for e in events if e.version == 2)
    return RaceOutcome("Rapport DynamoDBEventStore", told, [e.version for e in events], writer)


def peer_race(stack: BenchStack) -> RaceOutcome:
    client = stack.new_client()
    client.create_table(**peer_table_kwargs("race-es"))
    resource = boto3.session.Session().resource(
        "dynamodb",
        region_name=stack.settings.region,
        endpoint_url=stack.endpoint_url,
        config=CLIENT_CONFIG,
    )
    outcome = _race(DynamoAggregateRecorder("race-es", resource), "eventsourcing-dynamodb")
    client.delete_table(TableName="race-es")
    return outcome


def library_reference_race() -> RaceOutcome:
    """The same race on the library's own in-memory recorder: what its contract expects."""
    return _race(POPOAggregateRecorder(), "eventsourcing POPO recorder (reference)")


def _race(recorder: DynamoAggregateRecorder | POPOAggregateRecorder, name: str) -> RaceOutcome:
    stream = uuid.uuid4()

    def event(version: int, writer: str) -> PeerEvent:
        return PeerEvent(stream, version, TOPIC, json.dumps({"writer": writer}).encode())

    recorder.insert_events([event(1, "setup")])
    a_saw = recorder.select_events(stream)[-1].originator_version
    b_saw = recorder.select_events(stream)[-1].originator_version
    recorder.insert_events([event(a_saw + 1, "A")])
    try:
        recorder.insert_events([event(b_saw + 1, "B")])
        told = "success"
    except IntegrityError as error:
        told = f"{type(error).__name__}"
    events = recorder.select_events(stream)
    writer = next(str(json.loads(e.state)["writer"]) for e in events if e.originator_version == 2)
    return RaceOutcome(name, told, [e.originator_version for e in events], writer)
