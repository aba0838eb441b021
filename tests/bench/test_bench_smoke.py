"""The benchmark still runs: `python -m bench --smoke` end to end, in a process of its own
(it starts moto, sets AWS variables and installs services, which a test process must not).

Benchmarks are not tests: nothing here looks at a time or a ratio, only that every table and
every row of the report is there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

OPERATION_ROWS = [
    "create a contact (a user's first)",
    "create a contact",
    "create a contact, with Idempotency-Key",
    "log a step",
    "log a step, with Idempotency-Key",
    "get a contact",
    "a list page",
    "a search",
    "the dashboard",
    "the tenant dashboard (coach)",
    "the projector, one event alone",
    "the projector, per event (batches of 100)",
    "the sweep, per due reminder",
]
SECTIONS = [
    "## 1. DynamoDB requests per operation",
    "## 2. Scaling: the sweep and the dashboards as the table grows",
    "## 3. Cold start",
    "## 4. Projector throughput",
    "## 5. The peer: eventsourcing-dynamodb",
    "## Missed goals",
]
OTHER_ROWS = [
    "| `import app` |",
    "| `import boto3` |",
    "| Events per second, on moto |",
    "| Rapport DynamoDBEventStore | 1.00 |",
    "| eventsourcing-dynamodb | 1.00 |",
    "| Rapport DynamoDBEventStore | ConcurrencyError",
    "| eventsourcing-dynamodb | success |",
    "| eventsourcing POPO recorder (reference) | IntegrityError |",
    "| the sweep |",
    "| the dashboard |",
    "| the tenant dashboard |",
]


def test_the_smoke_run_writes_a_report_with_every_table_and_row(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    report = out.read_text(encoding="utf-8")
    assert result.stdout.strip() == report.strip()
    for section in SECTIONS:
        assert section in report
    for name in OPERATION_ROWS:
        assert f"\n| {name} |" in report, name
    for row in OTHER_ROWS:
        assert row in report, row
    for size in (10, 20, 50):  # one row per size in each of the three scaling tables
        assert report.count(f"\n| {size} | ") == 3, size
