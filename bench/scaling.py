"""The sweep and the dashboards as the table grows: 1k, 10k and 50k contacts, the same due set.

Background contacts (users of 125 contacts each, in one tenant, so that even the smallest size
has a user in every shard of the tenant dashboard) are seeded in the projector's shape (see
seeding.py), dashboards included; their reminders sit in the due index with send times after
the sweep, and on the agenda before the dashboard's "now". At each size a fresh due set of
contacts is written through the application (real events, projected by the same builders),
swept once, then re-projected so it leaves the due index before the next size.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bench.counting import Tally
from bench.seeding import Seeder, background_state
from bench.stack import START, BenchStack
from chalicelib.auth.identity import Identity
from chalicelib.domain import events as ev
from chalicelib.domain.reminder_time import next_window_start
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.port import StreamId

SCALE_TENANT = "bench-scale"
DUE_TENANT = "bench-due"
# 8 users at the smallest size: student000-007 fall in the 8 shards of the tenant dashboard.
CONTACTS_PER_USER = 125
# Due set: contacts added at START are due at once; the sweep runs two days later, in the
# users' reminder window (outside it a sweep rightly sends nothing).
SWEEP_AT = next_window_start(START + timedelta(days=2), UserSettings())
# Background contacts are added after the sweep (not due for it) and before the dashboard.
BACKGROUND_ADDED = START + timedelta(days=30)
DASHBOARD_AT = BACKGROUND_ADDED + timedelta(days=1)
# A dashboard read takes milliseconds: read often enough that the best time is not one
# that a busy moment of the shared machine happened to fall on.
READ_REPEATS = 20
SETTINGS = UserSettings(email="student@example.com", timezone="UTC", reminder_hour=9)


class ScalingError(Exception):
    """The sweep did not send the due set: its request counts would describe something else."""


@dataclass(frozen=True)
class Timed:
    """A call measured `repeats` times: requests must agree; times are the best of the runs,
    the estimate least disturbed by whatever else the machine is doing."""

    tallies: Sequence[Tally]
    seconds: Sequence[float]

    def __post_init__(self) -> None:
        counts = {tuple(sorted(t.calls.items())) for t in self.tallies}
        if len(counts) != 1:
            raise ScalingError(f"repeats of one call made different requests: {counts}")

    @property
    def tally(self) -> Tally:
        return self.tallies[0]

    @property
    def wall(self) -> float:
        return min(self.seconds)

    @property
    def outside_endpoint(self) -> float:
        return min(s - t.endpoint_seconds for s, t in zip(self.seconds, self.tallies, strict=True))


@dataclass(frozen=True)
class DueSet:
    """How many users, and due contacts each, a sweep finds due."""

    users: int
    per_user: int

    @property
    def reminders(self) -> int:
        return self.users * self.per_user


@dataclass(frozen=True)
class Level:
    """The measurements at one table size."""

    contacts: int
    views_items: int
    due_reminders: int
    sweep: Timed
    dashboard: Timed
    tenant_dashboard: Timed


def _user(index: int) -> str:
    return f"student{index:03d}"


def _timed(stack: BenchStack, repeats: int, call: Callable[[], object]) -> Timed:
    tallies, seconds = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        with stack.counter.measure() as tally:
            call()
        seconds.append(time.perf_counter() - started)
        tallies.append(tally)
    return Timed(tallies, seconds)


def _seed_background(seeder: Seeder, start: int, stop: int) -> int:
    """Contacts `start` to `stop`, then every dashboard over all of them; returns how many
    items of the tenant the table holds."""
    first = start
    while first < stop:
        index = first // CONTACTS_PER_USER
        user = _user(index)
        seeder.save_settings(SCALE_TENANT, user, SETTINGS)
        last = min(stop, (index + 1) * CONTACTS_PER_USER)
        states = (
            background_state(SCALE_TENANT, user, i, BACKGROUND_ADDED) for i in range(first, last)
        )
        seeder.write_states(SCALE_TENANT, states, SETTINGS)
        first = last
    seeder.write_dashboards()
    return seeder.stored_items(SCALE_TENANT)


def _due_set(stack: BenchStack, label: str, users: int, per_user: int) -> list[StreamId]:
    """Contacts added now through the commands: their `reach_out` is due at once."""
    stack.clock.set(START)
    streams = []
    for u in range(users):
        caller = Identity(f"due-{label}-{u}", DUE_TENANT, f"due-{label}-{u}@example.com")
        for c in range(per_user):
            added = ev.ContactAdded(name=f"Due {label} {u}-{c}", company="Hooli")
            outcome = stack.services.commands.add_contact(caller, added, None)
            streams.append(StreamId(DUE_TENANT, outcome.contact_id))
    return streams


def measure_levels(
    stack: BenchStack, sizes: Sequence[int], due: DueSet, repeats: int
) -> list[Level]:
    """Grows the table to each size in turn and measures the sweep and the dashboards there."""
    settings = stack.settings
    seeder = Seeder(
        stack.new_client(),
        settings.views_table,
        stack.services.adapters.settings_store,
        settings.due_shards,
    )
    _warm_up(stack, seeder)
    seeded = 0
    levels = []
    for size in sizes:
        items = _seed_background(seeder, seeded, size)
        seeded = size
        # moto's items live in this process: frozen, a garbage collection no longer walks
        # millions of them in the middle of the code being timed.
        gc.collect()
        gc.freeze()
        levels.append(_measure_level(stack, seeder, size, items, due, repeats))
    return levels


def _warm_up(stack: BenchStack, seeder: Seeder) -> None:
    """One unmeasured sweep first: templates compile and code paths load only once a process."""
    _one_sweep(stack, seeder, "warm-up", DueSet(1, 1))


def _measure_level(
    stack: BenchStack, seeder: Seeder, size: int, items: int, sizes: DueSet, repeats: int
) -> Level:
    sweeps = [_one_sweep(stack, seeder, f"{size}-{n}", sizes) for n in range(repeats)]
    stack.clock.set(DASHBOARD_AT)
    read_models = stack.services.read_models
    reads = max(repeats, READ_REPEATS)
    dashboard = _timed(stack, reads, lambda: read_models.dashboard(SCALE_TENANT, _user(0)))
    tenant = _timed(stack, reads, lambda: read_models.tenant_dashboard(SCALE_TENANT))
    sweep = Timed([t for s in sweeps for t in s.tallies], [x for s in sweeps for x in s.seconds])
    return Level(size, items, sizes.reminders, sweep, dashboard, tenant)


def _one_sweep(stack: BenchStack, seeder: Seeder, label: str, sizes: DueSet) -> Timed:
    """A fresh due set, swept once, then re-projected so it leaves the due index."""
    streams = _due_set(stack, label, sizes.users, sizes.per_user)
    store = stack.services.event_store
    seeder.settle(store, streams)
    stack.clock.set(SWEEP_AT)
    timed = _timed(stack, 1, lambda: _sweep(stack, len(streams)))
    # `reminder_sent` is on their streams now: projected again, they leave the due index.
    seeder.settle(store, streams)
    return timed


def _sweep(stack: BenchStack, expected: int) -> None:
    summary = stack.services.reminder_sweep.run(SWEEP_AT).summary()
    if summary["reminders_sent"] != expected or summary["errors"]:
        raise ScalingError(f"the sweep sent {summary}, expected {expected} reminders")
