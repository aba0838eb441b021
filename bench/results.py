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
    # A bulk operation, counted per row it carries (the CSV import).
    IMPORT = "import"


REQUEST_GOALS = {Kind.COMMAND: 2, Kind.READ: 1}
# Goals per unit, not per call: the import's 0.2 requests a row.
PER_UNIT_GOALS = {Kind.IMPORT: 0.2}


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
        if self.kind in PER_UNIT_GOALS:
            return f"<= {PER_UNIT_GOALS[self.kind]} requests / {self.unit}, 0 Scans"
        limit = REQUEST_GOALS.get(self.kind)
        if limit is None:
            return "0 Scans"
        return f"<= {limit} request{'s' if limit > 1 else ''}, 0 Scans"

    @property
    def met(self) -> bool:
        if self.kind in PER_UNIT_GOALS:
            within_unit = self.requests_per_unit <= PER_UNIT_GOALS[self.kind]
            return within_unit and self.total.scans == 0
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
        per_unit = PER_UNIT_GOALS.get(self.kind)
        if per_unit is not None and self.requests_per_unit > per_unit:
            reasons.append(f"{self.requests_per_unit:.3f} requests / {self.unit} > {per_unit}")
            return "; ".join(reasons)
        limit = REQUEST_GOALS.get(self.kind)
        if limit is not None and self.spread[1] > limit:
            reasons.append(f"{self.spread[1]} requests ({self.breakdown}) > {limit}")
        return "; ".join(reasons)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
