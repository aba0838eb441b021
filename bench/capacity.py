"""`python -m bench.capacity`: DynamoDB capacity units per operation, from real item sizes.

moto reports placeholder capacities (section 1 of docs/benchmarks.md), so this computes them
the way DynamoDB bills on-demand tables, from the items the code really writes and reads: one
contact through eight steps over HTTP (Chalice's test client, each POST with an
`Idempotency-Key`), the projector fed by the stream, reads of the contact, a list page and the
dashboard, and one reminder sweep, all on moto in-process. Item size is DynamoDB's: attribute
names plus values (a string's UTF-8 bytes, a number's digits / 2 + 1, 1 byte for a boolean or
null, 3 bytes plus 1 per element for a list or map). A write is 1 WRU per started KB of the item
(twice in a transaction) and 1 more per index the item is in (all attributes projected); a read
is 1 RRU per started 4 KB (summed over a Query's items, per item of a BatchGetItem), half
eventually consistent. Deletes count 1 WRU (their item is gone before it can be measured).
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from chalice.test import Client
from moto import mock_aws

from bench.markdown import table
from bench.throttle_cost import ENV
from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.adapters.table_setup import create_tables
from chalicelib.auth.minting import mint_token
from chalicelib.clock import FixedClock
from chalicelib.domain.reminder_time import next_window_start
from chalicelib.domain.user_settings import UserSettings
from chalicelib.settings import Settings
from chalicelib.tables import VIEWS

START = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
SETTINGS = Settings(
    events_table="cap-events",
    views_table="cap-views",
    auth_jwt_secret="capacity-bench-secret-long-enough-for-hs256",
    unsubscribe_secret="capacity-bench-unsubscribe",
    reminder_from="reminders@rapport.example",
)
NOTE = "Asked about moving from support into product; she suggested two people to talk to. " * 3
STEPS: list[dict[str, Any]] = [
    {"type": "outreach_sent", "channel": "email", "message": NOTE},
    {"type": "reply_received", "outcome": "accepted"},
    {"type": "interview_scheduled", "starts_at": "2026-11-26T20:30:00Z", "location": "Zoom"},
    {"type": "research_noted", "subject": "company", "text": NOTE},
    {"type": "research_noted", "subject": "person", "text": NOTE},
    {"type": "questions_prepared", "questions": [NOTE[:120], NOTE[:90], NOTE[:60]]},
    {"type": "interview_completed", "notes": NOTE},
]
INDEX_KEYS = [index.partition_key for index in VIEWS.indexes]


def item_size(item: dict[str, Any]) -> int:
    """DynamoDB's size of an item in its wire form (`{"name": {"S": "..."}}`)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return len(inner.lstrip("-").replace(".", "")) // 2 + 1
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: v}) for v in inner)
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_size(v) for k, v in inner.items())
    raise ValueError(kind)


def _write_units(item: dict[str, Any], *, transactional: bool) -> float:
    units = math.ceil(item_size(item) / 1024) * (2 if transactional else 1)
    return units + sum(math.ceil(item_size(item) / 1024) for key in INDEX_KEYS if key in item)


def _read_units(size: int, consistent: bool, *, transactional: bool = False) -> float:
    units = max(1, math.ceil(size / 4096)) * (2 if transactional else 1)
    return units if consistent else units / 2


@dataclass
class Meter:
    """Capacity units of every DynamoDB call since the last `take`, and the largest items seen."""

    client: Any
    reader: Any
    calls: list[tuple[str, float, float]] = field(default_factory=list)
    largest: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def before(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        self._pending = (model.name, params)

    def after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        name, params = self._pending
        rru, wru = self._units(name, params, parsed)
        self.calls.append((name, rru, wru))

    def _units(
        self, name: str, params: dict[str, Any], parsed: dict[str, Any]
    ) -> tuple[float, float]:
        consistent = bool(params.get("ConsistentRead"))
        if name == "PutItem":
            self._note(params["Item"])
            return 0, _write_units(params["Item"], transactional=False)
        if name == "UpdateItem":
            item = self._current(params["TableName"], params["Key"])
            return 0, _write_units(item, transactional=False)
        if name == "DeleteItem":
            return 0, 1
        if name == "TransactWriteItems":
            wru = rru = 0.0
            for entry in params["TransactItems"]:
                if "Put" in entry:
                    self._note(entry["Put"]["Item"])
                    wru += _write_units(entry["Put"]["Item"], transactional=True)
                elif "Update" in entry:
                    item = self._current(entry["Update"]["TableName"], entry["Update"]["Key"])
                    wru += _write_units(item, transactional=True)
                elif "Delete" in entry:
                    wru += 2
                else:
                    rru += 2  # ConditionCheck: a transactional read
            return rru, wru
        if name == "Query":
            items = parsed.get("Items", [])
            return _read_units(sum(map(item_size, items)), consistent), 0
        if name == "GetItem":
            return _read_units(item_size(parsed.get("Item") or {}), consistent), 0
        if name == "BatchGetItem":
            rru = 0.0
            for table_name, items in parsed.get("Responses", {}).items():
                strong = bool(params["RequestItems"][table_name].get("ConsistentRead"))
                rru += sum(_read_units(item_size(i), strong) for i in items)
            return rru, 0
        return 0, 0

    def _current(self, table_name: str, key: dict[str, Any]) -> dict[str, Any]:
        item = self.reader.get_item(TableName=table_name, Key=key).get("Item") or key
        self._note(item)
        return dict(item)

    def _note(self, item: dict[str, Any]) -> None:
        kind = item["SK"]["S"].split("#", 1)[0] if "SK" in item else "?"
        self.largest[kind] = max(self.largest[kind], item_size(item))

    def take(self) -> tuple[int, float, float]:
        calls, self.calls = self.calls, []
        return len(calls), sum(c[1] for c in calls), sum(c[2] for c in calls)


def measure() -> tuple[list[tuple[str, int, float, float]], dict[str, int]]:
    """(operation, requests, RRU, WRU) for each operation of the scenario; largest item sizes."""
    clock = FixedClock(START)
    client = aws.client("dynamodb", SETTINGS)
    create_tables(client, SETTINGS)
    aws.client("ses", SETTINGS).verify_email_identity(EmailAddress=SETTINGS.reminder_from)
    services = bootstrap.for_aws(SETTINGS, clock=clock, sleep=lambda _: None)
    bootstrap.install(services)
    pump = services.stream_pump()
    reader = aws.client("dynamodb", SETTINGS)
    meter = Meter(client, reader)
    rows: list[tuple[str, int, float, float]] = []

    def call(method: str, path: str, body: Any = None, key: str | None = None) -> Any:
        token = mint_token(
            SETTINGS.auth_jwt_secret or "",
            tenant="acme",
            user="ada",
            email="ada@example.edu",
            roles=(),
            now=clock.now(),
        )
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        payload = json.dumps(body).encode() if body is not None else b""
        response = http.request(method, path, headers=headers, body=payload)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.body!r}")
        return response

    def row(name: str) -> None:
        rows.append((name, *meter.take()))

    # The client is the process's cached one, which later code (tests) uses too: the meter
    # comes off it again however the scenario ends.
    client.meta.events.register("before-parameter-build.dynamodb", meter.before)
    client.meta.events.register("after-call.dynamodb", meter.after)
    try:
        with Client(bootstrap_app()) as chalice_client:
            http = chalice_client.http
            contact = {
                "name": "Grace Hopper",
                "company": "Acme Payments",
                "role": "Product lead",
                "email": "grace@acme.example",
                "notes": NOTE,
            }
            created = json.loads(call("POST", "/contacts", contact, key="k-0").body)
            row("create a contact (first, with Idempotency-Key)")
            contact_id = created["contact_id"]
            pump.drain()
            row("projector pass for it")
            for n, step in enumerate(STEPS, start=1):
                clock.advance(timedelta(hours=1))
                call("POST", f"/contacts/{contact_id}/events", step, key=f"k-{n}")
                row(f"log step {n + 1} ({step['type']}, with Idempotency-Key)")
                pump.drain()
                row(f"projector pass for step {n + 1}")
            call("GET", f"/contacts/{contact_id}")
            row("get the contact (8 events)")
            call("GET", "/contacts?limit=25")
            row("a list page (1 view)")
            call("GET", "/dashboard")
            row("the dashboard")
            # Three days on, at the start of the user's next reminder window: outside it the
            # sweep rightly sends nothing, and the row would measure an empty sweep.
            clock.set(next_window_start(clock.now() + timedelta(days=3), UserSettings()))
            report = services.reminder_sweep.run()
            row(f"the sweep ({len(report.sent)} reminder sent)")
            pump.drain()
            row("projector pass for reminder_sent")
    finally:
        client.meta.events.unregister("before-parameter-build.dynamodb", meter.before)
        client.meta.events.unregister("after-call.dynamodb", meter.after)
        bootstrap.install(None)
    return rows, dict(meter.largest)


def bootstrap_app() -> Any:
    from app import app

    return app


def report(rows: list[tuple[str, int, float, float]], largest: dict[str, int]) -> str:
    lines = ["## DynamoDB capacity from real item sizes", "", "`python -m bench.capacity`", ""]
    lines += table(
        ["Operation", "Requests", "RRU", "WRU"],
        [[name, str(n), f"{rru:g}", f"{wru:g}"] for name, n, rru, wru in rows],
    ).splitlines()
    sizes = ", ".join(f"`{kind}#` {size:,} B" for kind, size in sorted(largest.items()))
    lines += ["", f"Largest item written, by sort-key prefix: {sizes}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    os.environ.update(ENV)
    with mock_aws():
        try:
            rows, largest = measure()
        finally:
            bootstrap.install(None)
    sys.stdout.write(report(rows, largest))


if __name__ == "__main__":
    main()
