"""What `POST /contacts/import` costs against adding the same contacts one `POST /contacts` at
a time, side by side in one run on one endpoint: DynamoDB requests per contact (exact) and wall
time per contact (this machine, moto over HTTP: a ratio, not a latency)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from chalice.test import Client

from app import app
from bench.api_operations import TENANT, ApiBenchError, ApiSession, _token
from bench.counting import Tally
from bench.results import Kind, Row
from bench.stack import BenchStack

# The goal: a thousand rows in one request, at most 0.2 DynamoDB requests a row.
GOAL_PER_ROW = 0.2


@dataclass(frozen=True)
class ImportCost:
    rows: int
    import_tally: Tally
    import_seconds: float
    single_runs: int
    single_tally: Tally
    single_seconds: float

    @property
    def import_requests_per_row(self) -> float:
        return self.import_tally.requests / self.rows

    @property
    def single_requests_per_contact(self) -> float:
        return self.single_tally.requests / self.single_runs

    @property
    def single_seconds_per_contact(self) -> float:
        return self.single_seconds / self.single_runs

    @property
    def requests_ratio(self) -> float:
        return self.single_requests_per_contact / self.import_requests_per_row

    @property
    def time_ratio(self) -> float:
        return (self.single_seconds_per_contact * self.rows) / self.import_seconds


def linkedin_csv(rows: int) -> bytes:
    """LinkedIn's Connections.csv shape (its preamble and date format), `rows` people."""
    lines = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email '
        'addresses are missing."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    for n in range(rows):
        email = f"person{n}@example.com" if n % 3 == 0 else ""
        lines.append(
            f"Person,Number {n},https://www.linkedin.com/in/bench-person-{n},{email},"
            f"Company {n % 37},Engineer,{1 + n % 28:02d} Mar 2024"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def measure_import(stack: BenchStack, rows: int, single_runs: int) -> tuple[Row, ImportCost]:
    with Client(app) as client:
        single = ApiSession(client, stack, _token(stack, "one-by-one"))
        single.call("POST", "/contacts", {"name": "Warm-up"})  # saves the settings once
        single_tally = Tally()
        started = time.perf_counter()
        for n in range(single_runs):
            with stack.counter.measure() as tally:
                single.call("POST", "/contacts", {"name": f"Single {n}", "company": "Acme"})
            single_tally.add(tally)
        single_seconds = time.perf_counter() - started

        token = _token(stack, "importer")
        ApiSession(client, stack, token).call("POST", "/contacts", {"name": "Warm-up"})
        data = linkedin_csv(rows)
        started = time.perf_counter()
        with stack.counter.measure() as import_tally:
            response = client.http.request(
                "POST",
                "/contacts/import",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
                body=data,
            )
        import_seconds = time.perf_counter() - started
    if response.status_code != 201:
        raise ApiBenchError(f"import -> {response.status_code}: {response.body!r}")
    created = len(json.loads(response.body)["created"])
    if created != rows:
        raise ApiBenchError(f"the import created {created} of {rows} contacts ({TENANT})")
    cost = ImportCost(rows, import_tally, import_seconds, single_runs, single_tally, single_seconds)
    row = Row(
        f"import a CSV of {rows:,} rows, per row",
        Kind.IMPORT,
        [import_tally],
        unit="row",
        note=f"one request of {rows:,} rows (LinkedIn's format)",
        units_done=rows,
        wall_seconds=import_seconds,
    )
    return row, cost


def import_section(cost: ImportCost) -> str:
    from bench.markdown import table, verdict

    per_row = cost.import_requests_per_row
    body = [
        [
            f"`POST /contacts/import`, {cost.rows:,} rows in one request",
            f"{cost.import_tally.requests}",
            f"{per_row:.3f}",
            f"{cost.import_seconds:.2f}",
            f"{cost.import_seconds / cost.rows * 1000:.2f}",
        ],
        [
            f"`POST /contacts`, one contact a request ({cost.single_runs} measured)",
            f"{cost.single_tally.requests}",
            f"{cost.single_requests_per_contact:.3f}",
            f"{cost.single_seconds:.2f}",
            f"{cost.single_seconds_per_contact * 1000:.2f}",
        ],
    ]
    return "\n\n".join(
        [
            "### CSV import against one contact at a time",
            "Both in this run, on the same endpoint, each user's settings saved beforehand.",
            table(["Path", "DynamoDB requests", "Per contact", "Wall s", "ms per contact"], body),
            f"Requests per row: **{per_row:.3f}** (goal <= {GOAL_PER_ROW}): "
            f"{verdict(per_row <= GOAL_PER_ROW)}. The import makes "
            f"{cost.requests_ratio:.0f} x fewer requests per contact, and {cost.rows:,} rows "
            f"take {cost.time_ratio:.1f} x less time than {cost.rows:,} single requests would "
            "at the rate measured here. By operation: "
            + ", ".join(f"{name} {count}" for name, count in cost.import_tally.calls.most_common())
            + ".",
        ]
    )
