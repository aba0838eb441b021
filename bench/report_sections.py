"""The report's sections on cold start, projector throughput and the peer comparison, and
what reading a dashboard cost at each size of the scaling section."""

from __future__ import annotations

import statistics

from bench.cold_start import GOAL_RATIO, ColdStart
from bench.concurrency import RaceOutcome
from bench.markdown import ms, table, verdict
from bench.peer import PeerResult, Side
from bench.projector_load import Throughput
from bench.results import Row
from bench.scaling import Level, Timed
from chalicelib.projections.dashboard import TENANT_SHARDS


def cold_start_section(cold: ColdStart) -> str:
    rows = [
        ["`import app`", ms(cold.app_median), ", ".join(ms(s) for s in cold.app_seconds)],
        ["`import boto3`", ms(cold.boto3_median), ", ".join(ms(s) for s in cold.boto3_seconds)],
        [
            "`import app` + what the API's first step loads",
            ms(statistics.median(cold.first_step_seconds)),
            ", ".join(ms(s) for s in cold.first_step_seconds),
        ],
    ]
    extra = table(
        ["Imported by `app`, not by boto3", "Self time ms"],
        [[f"`{name}`", ms(seconds)] for name, seconds in cold.extra_packages],
    )
    return "\n\n".join(
        [
            "## 3. Cold start",
            "Each figure is a fresh `python -c` process timing the import alone "
            "(`time.perf_counter()` around it), the two alternating, after one unmeasured run "
            "of each so both find their bytecode caches written.",
            table(["", "Median ms", "Runs, ms"], rows),
            f"Ratio: **{cold.ratio:.2f}** (goal <= {GOAL_RATIO}): {verdict(cold.met)}.",
            "app.py imports each handler when it is first called, so each of the four "
            "functions loads only what it uses; the API's first step then loads the rest. "
            f"That whole first step is {cold.first_step_ratio:.2f} x `import boto3` "
            "(no goal: the goal is the import).",
            "Where the difference goes (`python -X importtime`, self time, third-party "
            "packages whole and Rapport's own code by subpackage; all modules beyond boto3's "
            f"own add up to {ms(cold.extra_total)} ms in that run):",
            extra,
        ]
    )


def throughput_section(throughput: Throughput, rows: list[Row]) -> str:
    per_event = next(row for row in rows if row.name.startswith("the projector, per event"))
    endpoint_share = throughput.endpoint_seconds / throughput.seconds
    body = [
        ["Events projected", f"{throughput.events:,}"],
        ["Stream records (moto may repeat one)", f"{throughput.records:,}"],
        ["Batches (at most 100 records)", f"{throughput.batches}"],
        ["DynamoDB requests per event", f"{per_event.requests_per_unit:.2f}"],
        ["Wall time, s", f"{throughput.seconds:.2f}"],
        ["Events per second, on moto", f"{throughput.events_per_second:,.1f}"],
        ["Share of the time inside DynamoDB calls", f"{endpoint_share:.0%}"],
        [
            "Events per second, Rapport's own work (wall minus DynamoDB calls)",
            f"{throughput.events_per_second_outside_endpoint:,.0f}",
        ],
    ]
    return "\n\n".join(
        [
            "## 4. Projector throughput",
            "Lambda-shaped records (`eventSourceARN`, epoch creation times) from the events "
            "table's stream, handed to `Projector.handle` 100 at a time. Events are written "
            "100 at a time round-robin over the contacts, and each chunk is projected before "
            "the next is written, so a batch names about 100 contacts (the worst case: the "
            "projector folds each contact once per batch).",
            table(["", "Value"], body),
            "moto dominates the wall time: its `TransactWriteItems` deep-copies the whole "
            "table once per item in the transaction (moto/dynamodb/models/__init__.py), so "
            "the on-moto rate falls as the views table grows. Against DynamoDB, expect about "
            "(requests per event x request latency) plus Rapport's own time per event.",
        ]
    )


def _side_row(side: Side, result: PeerResult) -> list[str]:
    return [
        side.name,
        f"{side.append.requests / result.appends:.2f}",
        ", ".join(f"{n} {c / result.appends:.2f}" for n, c in side.append.calls.most_common()),
        f"{side.read.requests / result.reads:.2f}",
        ", ".join(f"{n} {c / result.reads:.2f}" for n, c in side.read.calls.most_common()),
        ms(side.append_seconds),
        ms(side.read_seconds),
    ]


def peer_section(result: PeerResult, races: list[RaceOutcome]) -> str:
    ours, theirs = result.rapport, result.peer
    append_ratio = ours.append_seconds / theirs.append_seconds
    read_ratio = ours.read_seconds / theirs.read_seconds
    total_ratio = (ours.append_seconds + ours.read_seconds) / (
        theirs.append_seconds + theirs.read_seconds
    )
    headers = [
        "Store",
        "Requests / append",
        "By operation",
        "Requests / read",
        "By operation",
        "Appends, ms (all rounds)",
        "Reads, ms (all rounds)",
    ]
    race_rows = [
        [
            r.store,
            r.b_was_told,
            ", ".join(f"v{v}" for v in r.versions_after),
            f"{r.version_2_written_by}'s",
            "yes" if r.lost_write else "no",
        ]
        for r in races
    ]
    return "\n\n".join(
        [
            "## 5. The peer: eventsourcing-dynamodb",
            f"{result.streams * result.events_per_stream:,} events over {result.streams} "
            f"streams, one event per append (round-robin over the streams, as commands "
            f"arrive), then every stream read back, per round; {result.rounds} round(s) on "
            "fresh tables with the same stream setting. The two run interleaved in small "
            "blocks (one version over every stream; 10 stream reads), taking turns to go "
            "first, so a busy moment of the machine falls on both alike. "
            "Rapport: `DynamoDBEventStore.append`/`read`. The peer: "
            "`eventsourcing_dynamodb.recorders.DynamoAggregateRecorder.insert_events`/"
            "`select_events`, the recorder its `Factory` builds.",
            table(headers, [_side_row(ours, result), _side_row(theirs, result)]),
            f"Wall-time ratio, Rapport / peer: appends **{append_ratio:.2f}**, reads "
            f"**{read_ratio:.2f}**, both **{total_ratio:.2f}**. Same request counts, "
            "different guarantees: Rapport's PutItem carries `attribute_not_exists(SK)` and its "
            "Query is strongly consistent; the peer writes through `batch_writer` "
            "(BatchWriteItem, which takes no condition) and queries without `ConsistentRead`.",
            "**Two writers at the same version.** Both read the stream at v1; A appends v2; "
            "then B appends v2.",
            table(
                ["Store", "Writer B was told", "Stream after", "v2 is", "A's write lost"], race_rows
            ),
        ]
    )


def _read_cost(timed: Timed) -> str:
    tally = timed.tally
    calls = ", ".join(f"{name} {count}" for name, count in tally.calls.most_common())
    requests = f"{tally.requests} request{'s' if tally.requests != 1 else ''}"
    return f"{requests} ({calls}), {tally.items_read} item(s) read"


def _costs(levels: list[Level], timed: list[Timed]) -> str:
    costs = [_read_cost(t) for t in timed]
    if len(set(costs)) == 1:
        sizes = ", ".join(f"{level.contacts:,}" for level in levels)
        return f"**{costs[0]}** at every size ({sizes} contacts)"
    return "; ".join(
        f"{level.contacts:,} contacts: {cost}" for level, cost in zip(levels, costs, strict=True)
    )


def dashboards_read(levels: list[Level]) -> str:
    """What one read of each dashboard cost, as counted above, size by size."""
    user = _costs(levels, [level.dashboard for level in levels])
    tenant = _costs(levels, [level.tenant_dashboard for level in levels])
    return (
        f"Reading a dashboard, as counted: the dashboard (`GET /dashboard`) is {user}; the "
        f"tenant dashboard (`GET /tenant/dashboard`, one read of its {TENANT_SHARDS} shard "
        f"keys) is {tenant}. Each reads only the items the projector keeps for it (a user's "
        "dashboard item, a tenant's shard items, each with counters and bounded lists of the "
        "earliest due actions and interviews), never an index of contacts."
    )
