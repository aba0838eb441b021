"""The projector: requests per event and events per second, fed Lambda-shaped stream records
in batches of 100, as the event source mapping (`batch_size=100`) hands them over.

Events are written round-robin over the contacts (every contact's first event, then every
contact's second...), 100 at a time, each chunk projected before the next is written, as a
live stream interleaves them. A batch then names as many contacts as it has records: the
projector's worst case, since it folds each contact once per batch whatever its record count.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bench.counting import Tally
from bench.results import Kind, Row
from bench.stack import BenchStack
from chalicelib.auth.identity import Identity
from chalicelib.domain import events as ev
from chalicelib.domain.vocabulary import ReplyOutcome
from chalicelib.service.commands import ContactCommands

TENANT = "bench-proj"
BATCH = 100
EVENTS_PER_CONTACT = 5

Step = tuple[Identity, str]
Write = Callable[[], Step]


class ProjectorBenchError(Exception):
    """The stream did not carry the events the benchmark wrote."""


@dataclass(frozen=True)
class Throughput:
    """Events through `Projector.handle` per second, in all and without the endpoint's time."""

    events: int
    records: int
    batches: int
    seconds: float
    endpoint_seconds: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds

    @property
    def events_per_second_outside_endpoint(self) -> float:
        return self.events / max(self.seconds - self.endpoint_seconds, 1e-9)


def _steps(stack: BenchStack) -> list[Callable[[], ev.EventData]]:
    interview = stack.clock.now() + timedelta(days=10)
    return [
        lambda: ev.OutreachSent(),
        lambda: ev.FollowUpSent(),
        lambda: ev.ReplyReceived(outcome=ReplyOutcome.ACCEPTED),
        lambda: ev.InterviewScheduled(starts_at=interview, location="Video call"),
    ]


def _contacts(stack: BenchStack, users: int, contacts_per_user: int) -> list[Write]:
    """Every contact's `contact_added`, as writes to make (round-robin order starts here)."""
    commands = stack.services.commands
    writes: list[Write] = []
    for u in range(users):
        caller = Identity(f"p{u}", TENANT, f"p{u}@example.com")
        for c in range(contacts_per_user):
            added = ev.ContactAdded(name=f"Contact {u}-{c}", company="Initech")
            writes.append(functools.partial(_add, commands, caller, added))
    return writes


def _add(commands: ContactCommands, caller: Identity, added: ev.ContactAdded) -> Step:
    contact_id = commands.add_contact(caller, added, None).contact_id
    return caller, contact_id


def _event_keys(records: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Distinct events named by the records (moto may emit a record twice)."""
    keys = set()
    for record in records:
        key = record["dynamodb"]["Keys"]
        if record.get("eventName") == "INSERT" and key["SK"]["S"].startswith("E#"):
            keys.add((key["PK"]["S"], key["SK"]["S"]))
    return keys


def _batches(records: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(records), BATCH):
        yield records[start : start + BATCH]


def measure_projector(
    stack: BenchStack, users: int, contacts_per_user: int
) -> tuple[Row, Throughput]:
    """Projects `users * contacts_per_user * 5` events, 100 writes at a time: each chunk is
    written, then its records are projected, as a live stream would interleave them."""
    stack.drain()
    contacts: list[Step] = []
    rounds = [_contacts(stack, users, contacts_per_user)]
    rounds += [
        [_recorder(stack, step, index, contacts) for index in range(users * contacts_per_user)]
        for step in _steps(stack)
    ]
    tallies: list[Tally] = []
    seconds = 0.0
    records: list[dict[str, Any]] = []
    for writes in rounds:
        for start in range(0, len(writes), BATCH):
            done = [write() for write in writes[start : start + BATCH]]
            if writes is rounds[0]:
                contacts += done
            chunk = stack.pump().fetch()
            started = time.perf_counter()
            tallies += _project(stack, chunk)
            seconds += time.perf_counter() - started
            records += chunk
    events = len(_event_keys(records))
    expected = users * contacts_per_user * EVENTS_PER_CONTACT
    if events != expected:
        raise ProjectorBenchError(f"the stream named {events} events, {expected} were written")
    row = Row(
        f"the projector, per event (batches of {BATCH})",
        Kind.BACKGROUND,
        tallies,
        unit="event",
        units_done=events,
        wall_seconds=seconds,
        note=f"{events} events in {len(tallies)} batches, about one contact per record "
        "(its worst case: it folds a contact once per batch)",
    )
    endpoint = sum(t.endpoint_seconds for t in tallies)
    return row, Throughput(events, len(records), len(tallies), seconds, endpoint)


def _project(stack: BenchStack, records: list[dict[str, Any]]) -> list[Tally]:
    """Hands the records to the projector in Lambda-sized batches; one tally per batch."""
    tallies = []
    for batch in _batches(records):
        with stack.counter.measure() as tally:
            failures = stack.services.projector.handle({"Records": batch})["batchItemFailures"]
        if failures:
            raise ProjectorBenchError(f"the projector failed {len(failures)} records")
        tallies.append(tally)
    return tallies


def _recorder(
    stack: BenchStack, step: Callable[[], ev.EventData], index: int, contacts: list[Step]
) -> Callable[[], Step]:
    def write() -> Step:
        caller, contact_id = contacts[index]
        stack.services.commands.record_step(caller, contact_id, step())
        return caller, contact_id

    return write


def measure_single_event(stack: BenchStack, runs: int) -> Row:
    """One step alone, its record(s) delivered as a batch of their own: no batching gain."""
    stack.drain()
    caller = Identity("p-single", TENANT, "p-single@example.com")
    commands = stack.services.commands
    contact_ids = [
        commands.add_contact(caller, ev.ContactAdded(name=f"Single {i}"), None).contact_id
        for i in range(runs)
    ]
    stack.drain()
    tallies = []
    started = time.perf_counter()
    for contact_id in contact_ids:
        commands.record_step(caller, contact_id, ev.OutreachSent())
        records = stack.pump().fetch()
        with stack.counter.measure() as tally:
            stack.services.projector.handle({"Records": records})
        tallies.append(tally)
    return Row(
        "the projector, one event alone",
        Kind.BACKGROUND,
        tallies,
        unit="event",
        wall_seconds=time.perf_counter() - started,
        note="a batch holding one step's record(s)",
    )
