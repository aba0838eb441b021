"""Whether the sweep and the dashboards stay flat as the table grows, as ratios to the first
(smallest) size. Requests and items read must not move at all; times may wobble within
`TIME_TOLERANCE` (or `NOISE_SECONDS`), since a busy shared machine moves them a little."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.scaling import Level, Timed

TIME_TOLERANCE = 1.5
# Below this, a difference is scheduler noise on a shared 2-core machine, not growth.
NOISE_SECONDS = 0.005
MEASURES: dict[str, Callable[[Level], Timed]] = {
    "the sweep": lambda level: level.sweep,
    "the dashboard": lambda level: level.dashboard,
    "the tenant dashboard": lambda level: level.tenant_dashboard,
}


@dataclass(frozen=True)
class Flatness:
    """The largest ratio to the first size, for each way of counting the cost."""

    name: str
    requests: float
    items_read: float
    wall: float
    outside_endpoint: float
    # The largest growth in seconds over the first size, for the noise floor.
    wall_growth: float
    outside_endpoint_growth: float
    # Every DynamoDB operation it made at any size (what a time that grew may be due to).
    operations: frozenset[str] = frozenset()

    @property
    def requests_flat(self) -> bool:
        return self.requests == 1.0 and self.items_read == 1.0

    @property
    def wall_flat(self) -> bool:
        return self.wall <= TIME_TOLERANCE or self.wall_growth <= NOISE_SECONDS

    @property
    def own_time_flat(self) -> bool:
        return (
            self.outside_endpoint <= TIME_TOLERANCE or self.outside_endpoint_growth <= NOISE_SECONDS
        )


def ratio(value: float, base: float) -> float:
    return value / base if base else (1.0 if value == base else float("inf"))


def flatness(levels: Sequence[Level]) -> list[Flatness]:
    found = []
    for name, pick in MEASURES.items():
        base = pick(levels[0])
        timed = [pick(level) for level in levels]
        found.append(
            Flatness(
                name,
                max(ratio(t.tally.requests, base.tally.requests) for t in timed),
                max(ratio(t.tally.items_read, base.tally.items_read) for t in timed),
                max(ratio(t.wall, base.wall) for t in timed),
                max(ratio(t.outside_endpoint, base.outside_endpoint) for t in timed),
                max(t.wall - base.wall for t in timed),
                max(t.outside_endpoint - base.outside_endpoint for t in timed),
                frozenset(name for t in timed for name in t.tally.calls),
            )
        )
    return found
