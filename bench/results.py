"""One row of the benchmark table: an operation, what it cost per run, and its goal.

The goals come from the issue: a command makes at most 2 DynamoDB requests, a read at most 1,
and nothing ever scans. Background work (projector, sweep) has no request goal of its own,
only "no Scan", and its scaling rows must stay flat.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bench.counting import Tally


class Kind(StrEnum):
    COMMAND = "command"
    READ = "read"
    BACKGROUND = "background"


REQUEST_GOALS = {Kind.COMMAND: 2, Kind.READ: 1}


@dataclass(frozen=True)
class Row:
    """An operation measured `runs` times; `per_run` holds each run's own tally."""

    name: str
    kind: Kind
    per_run: Sequence[Tally]
    unit: str = "op"
    note: str = ""
    # Background rows count per event or per reminder, not per call: the divisor of the total.
    units_done: int = 0
    wall_seconds: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> Tally:
        total = Tally()
        for tally in self.per_run:
            total.add(tally)
        return total

    @property
    def divisor(self) -> int:
        return self.units_done or len(self.per_run)

    @property
    def requests_per_unit(self) -> float:
        return self.total.requests / self.divisor

    @property
    def spread(self) -> tuple[int, int]:
        counts = [tally.requests for tally in self.per_run]
        return min(counts), max(counts)

    @property
    def breakdown(self) -> str:
        """`Query 1, PutItem 1` per unit, most frequent first."""
        calls: Counter[str] = self.total.calls
        return ", ".join(
            f"{name} {_number(count / self.divisor)}" for name, count in calls.most_common()
        )

    @property
    def capacity_per_unit(self) -> str:
        total = self.total
        if not total.capacity_reported:
            return "not reported"
        return _number(total.capacity_units / self.divisor)

    @property
    def measured_over(self) -> str:
        counted = f"{len(self.per_run)} calls; " if self.unit == "op" else ""
        return f"{counted}{self.note}".rstrip("; ")

    @property
    def goal(self) -> str:
        limit = REQUEST_GOALS.get(self.kind)
        if limit is None:
            return "0 Scans"
        return f"<= {limit} request{'s' if limit > 1 else ''}, 0 Scans"

    @property
    def met(self) -> bool:
        limit = REQUEST_GOALS.get(self.kind)
        within = limit is None or self.spread[1] <= limit
        return within and self.total.scans == 0

    @property
    def miss_reason(self) -> str:
        if self.met:
            return ""
        reasons = []
        if self.total.scans:
            reasons.append(f"{self.total.scans} Scan(s)")
        limit = REQUEST_GOALS.get(self.kind)
        if limit is not None and self.spread[1] > limit:
            reasons.append(f"{self.spread[1]} requests ({self.breakdown}) > {limit}")
        return "; ".join(reasons)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
