"""Runs every measurement once, each on an emptied endpoint (moto deep-copies a table per
transaction item, and walks a whole table per Query, so leftovers would skew the next phase)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.api_operations import measure_api
from bench.cold_start import ColdStart, measure_cold_start
from bench.concurrency import RaceOutcome, library_reference_race, peer_race, rapport_race
from bench.import_cost import ImportCost, measure_import
from bench.machine import Machine, describe_machine, load_average
from bench.peer import PeerResult, compare
from bench.projector_load import Throughput, measure_projector, measure_single_event
from bench.results import Kind, Row
from bench.scaling import DueSet, Level, measure_levels
from bench.stack import start_stack


@dataclass(frozen=True)
class Sizes:
    """How much work each measurement does: the full run, or the seconds-long smoke run."""

    name: str
    api_runs: int
    projector_users: int
    projector_contacts_per_user: int
    single_event_runs: int
    peer_streams: int
    peer_events_per_stream: int
    peer_rounds: int
    scale_levels: tuple[int, ...]
    due: DueSet
    scale_repeats: int
    cold_start_runs: int
    # The CSV import: rows in its one request, and single `POST /contacts` beside it.
    import_rows: int = 1_000
    import_single_runs: int = 50


FULL = Sizes("full", 20, 20, 5, 10, 100, 10, 2, (1_000, 10_000, 50_000), DueSet(5, 4), 2, 7)
SMOKE = Sizes(
    "smoke",
    2,
    2,
    5,
    2,
    10,
    3,
    1,
    (10, 20, 50),
    DueSet(2, 2),
    1,
    1,
    import_rows=100,
    import_single_runs=5,
)


@dataclass(frozen=True)
class BenchRun:
    sizes: Sizes
    machine: Machine
    rows: list[Row]
    throughput: Throughput
    levels: list[Level]
    cold_start: ColdStart
    peer: PeerResult
    races: list[RaceOutcome]
    load_at_end: str
    seconds: float
    import_cost: ImportCost | None = None


def run_all(sizes: Sizes, progress: Callable[[str], None] = lambda _: None) -> BenchRun:
    """Every measurement; `progress` hears the name of each phase as it starts."""
    started = time.perf_counter()

    def phase(name: str) -> None:
        progress(f"[{time.perf_counter() - started:6.1f} s] {name}")

    machine = describe_machine()
    stack = start_stack()
    try:
        phase("projector throughput")
        per_event, throughput = measure_projector(
            stack, sizes.projector_users, sizes.projector_contacts_per_user
        )
        stack.fresh()
        phase("projector, one event alone")
        single = measure_single_event(stack, sizes.single_event_runs)
        stack.fresh()
        phase("API operations")
        rows = measure_api(stack, sizes.api_runs)
        stack.fresh()
        phase(f"CSV import of {sizes.import_rows:,} rows")
        import_row, import_cost = measure_import(stack, sizes.import_rows, sizes.import_single_runs)
        rows.append(import_row)
        stack.fresh()
        phase("the peer")
        peer = compare(stack, sizes.peer_streams, sizes.peer_events_per_stream, sizes.peer_rounds)
        races = [rapport_race(stack), peer_race(stack), library_reference_race()]
        stack.fresh()
        phase(f"scaling {', '.join(f'{n:,}' for n in sizes.scale_levels)}")
        levels = measure_levels(stack, sizes.scale_levels, sizes.due, sizes.scale_repeats)
    finally:
        stack.close()
    first = levels[0]
    sweep = Row(
        "the sweep, per due reminder",
        Kind.BACKGROUND,
        first.sweep.tallies,
        unit="reminder",
        units_done=first.due_reminders * len(first.sweep.tallies),
        wall_seconds=sum(first.sweep.seconds),
        note=f"{len(first.sweep.tallies)} sweep(s) of {first.due_reminders} due reminders of "
        f"{sizes.due.users} users each, among {first.contacts:,} other contacts",
    )
    rows += [single, per_event, sweep]
    phase("cold start")
    cold = measure_cold_start(sizes.cold_start_runs)
    return BenchRun(
        sizes,
        machine,
        rows,
        throughput,
        levels,
        cold,
        peer,
        races,
        load_average(),
        time.perf_counter() - started,
        import_cost,
    )
