"""Counts the DynamoDB requests a piece of code makes, exactly, from botocore's own events.

A counter hooks one boto3 client: `before-call` fires once per API call (retries included
inside it, so HTTP attempts are counted apart, from `before-send`), and `after-call` sees the
parsed answer, which carries the consumed capacity the hook asked for and the items read.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# Operations whose input takes `ReturnConsumedCapacity` (DynamoDB's data plane).
_CAPACITY_OPERATIONS = frozenset(
    {
        "BatchGetItem",
        "BatchWriteItem",
        "DeleteItem",
        "GetItem",
        "PutItem",
        "Query",
        "Scan",
        "TransactGetItems",
        "TransactWriteItems",
        "UpdateItem",
    }
)


@dataclass
class Tally:
    """What a stretch of code cost: calls by operation, HTTP attempts, capacity, items, time."""

    calls: Counter[str] = field(default_factory=Counter)
    http_attempts: int = 0
    capacity_units: float = 0.0
    capacity_reported: int = 0
    items_read: int = 0
    # Time inside calls to the endpoint (DynamoDB, and SES where attached for timing).
    endpoint_seconds: float = 0.0
    seconds_by_operation: Counter[str] = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return sum(self.calls.values())

    @property
    def scans(self) -> int:
        return self.calls["Scan"]

    def add(self, other: Tally) -> None:
        self.calls.update(other.calls)
        self.http_attempts += other.http_attempts
        self.capacity_units += other.capacity_units
        self.capacity_reported += other.capacity_reported
        self.items_read += other.items_read
        self.endpoint_seconds += other.endpoint_seconds
        self.seconds_by_operation.update(other.seconds_by_operation)


class RequestCounter:
    """Attach to any number of DynamoDB clients; `measure()` returns what ran inside it."""

    def __init__(self) -> None:
        self._current: Tally | None = None
        self._attached: set[int] = set()

    def attach(self, client: Any) -> Any:
        """Hooks `client` (a low-level boto3 DynamoDB client) once; returns it."""
        if id(client) in self._attached:
            return client
        events = client.meta.events
        events.register("before-parameter-build.dynamodb", self._ask_for_capacity)
        events.register("before-call.dynamodb", self._before_call)
        events.register("before-send.dynamodb", self._before_send)
        events.register("after-call.dynamodb", self._after_call)
        self._attached.add(id(client))
        return client

    def attach_timing(self, client: Any) -> Any:
        """Hooks a client of another service (SES) for time only: its calls are not DynamoDB
        requests, but their time is the endpoint's, not the code's."""
        if id(client) in self._attached:
            return client
        client.meta.events.register("before-call", self._start_clock)
        client.meta.events.register("after-call", self._stop_clock)
        self._attached.add(id(client))
        return client

    @contextmanager
    def measure(self) -> Iterator[Tally]:
        """Counts every call of the attached clients made inside the block."""
        outer = self._current
        tally = self._current = Tally()
        try:
            yield tally
        finally:
            self._current = outer
            if outer is not None:
                outer.add(tally)

    def _ask_for_capacity(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        # The code under test never asks; the endpoint reports capacity only when asked.
        if model.name in _CAPACITY_OPERATIONS:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def _before_call(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        context["bench_started"] = time.perf_counter()
        if self._current is not None:
            self._current.calls[model.name] += 1

    def _start_clock(self, context: dict[str, Any], **_: Any) -> None:
        context["bench_started"] = time.perf_counter()

    def _stop_clock(self, context: dict[str, Any], **_: Any) -> None:
        started = context.get("bench_started")
        if self._current is not None and started is not None:
            self._current.endpoint_seconds += time.perf_counter() - started

    def _before_send(self, **_: Any) -> None:
        if self._current is not None:
            self._current.http_attempts += 1

    def _after_call(
        self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
    ) -> None:
        tally = self._current
        if tally is None:
            return
        started = context.get("bench_started")
        if started is not None:
            elapsed = time.perf_counter() - started
            tally.endpoint_seconds += elapsed
            tally.seconds_by_operation[model.name] += elapsed
        tally.items_read += _items_read(parsed)
        units = _capacity(parsed.get("ConsumedCapacity"))
        if units is not None:
            tally.capacity_units += units
            tally.capacity_reported += 1


def _capacity(reported: Any) -> float | None:
    """Single-table answers carry a dict, batch and transaction answers a list (maybe empty)."""
    if isinstance(reported, dict):
        return float(reported.get("CapacityUnits", 0.0))
    if isinstance(reported, list) and reported:
        return sum(float(entry.get("CapacityUnits", 0.0)) for entry in reported)
    return None


def _items_read(parsed: dict[str, Any]) -> int:
    if "ScannedCount" in parsed:
        return int(parsed["ScannedCount"])
    if "Item" in parsed:
        return 1
    responses = parsed.get("Responses")
    if isinstance(responses, dict):
        return sum(len(items) for items in responses.values())
    return 0
