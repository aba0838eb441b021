"""Dashboard counters: what one contact adds to its user's and tenant's `STATS` items.

Counters are never recounted on a request. Each contact view records its own contribution
(status and funnel stages), and the projector moves the `STATS` items by the difference between
the old and new contribution, in the same transaction that moves the view's version: a retried
or duplicated record finds the view already moved and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.state import ContactState
from chalicelib.domain.vocabulary import Status

FUNNEL_STAGES = ("reached_out", "replied", "interviewed")
STATUS_PREFIX = "n_"
FUNNEL_PREFIX = "f_"


@dataclass(frozen=True)
class Contribution:
    """One contact's share of the counters; an absent or erased contact contributes nothing."""

    status: str | None = None
    reached_out: bool = False
    replied: bool = False
    interviewed: bool = False

    @classmethod
    def of(cls, state: ContactState) -> Contribution:
        if not state.exists or state.status is None:
            return cls()
        return cls(state.status.value, state.reached_out, state.replied, state.interviewed)

    def counters(self) -> dict[str, int]:
        if self.status is None:
            return {}
        values = {f"{STATUS_PREFIX}{self.status}": 1}
        for stage in FUNNEL_STAGES:
            if getattr(self, stage):
                values[f"{FUNNEL_PREFIX}{stage}"] = 1
        return values


def delta(old: Contribution, new: Contribution) -> dict[str, int]:
    """The counter changes that turn `old` into `new`, without zero entries."""
    before, after = old.counters(), new.counters()
    changes = {name: after.get(name, 0) - before.get(name, 0) for name in {*before, *after}}
    return {name: change for name, change in sorted(changes.items()) if change}


def add_counters(table: str, key: Mapping[str, Any], changes: Mapping[str, int]) -> dict[str, Any]:
    """A TransactWriteItems `Update` that ADDs the changes (creating the item if need be)."""
    names = {f"#c{i}": name for i, name in enumerate(changes)}
    values = {f":c{i}": {"N": str(change)} for i, change in enumerate(changes.values())}
    clauses = ", ".join(f"#c{i} :c{i}" for i in range(len(changes)))
    return {
        "Update": {
            "TableName": table,
            "Key": dict(key),
            "UpdateExpression": f"ADD {clauses}",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def sum_counters(contributions: Iterable[Contribution]) -> dict[str, int]:
    """What the counters of a set of contacts must hold (non-zero entries only)."""
    total: dict[str, int] = {}
    for contribution in contributions:
        for name, value in contribution.counters().items():
            total[name] = total.get(name, 0) + value
    return total


def counters_of(item: Mapping[str, Any] | None) -> dict[str, int]:
    """The non-zero counters of a `STATS` item (zeros are what ADD leaves behind)."""
    found: dict[str, int] = {}
    for name, value in (item or {}).items():
        if name.startswith((STATUS_PREFIX, FUNNEL_PREFIX)) and int(value["N"]):
            found[name] = int(value["N"])
    return found


def dashboard_counts(item: Mapping[str, Any] | None) -> tuple[dict[str, int], dict[str, Any]]:
    """The dashboard's `counts` (every status) and `funnel` from a `STATS` item."""
    counters = counters_of(item)
    counts = {status.value: counters.get(f"{STATUS_PREFIX}{status.value}", 0) for status in Status}
    funnel: dict[str, Any] = {
        stage: counters.get(f"{FUNNEL_PREFIX}{stage}", 0) for stage in FUNNEL_STAGES
    }
    reached = funnel["reached_out"]
    funnel["reply_rate"] = round(funnel["replied"] / reached, 4) if reached else None
    return counts, funnel
