"""The local stack's benchmark still runs (`python -m bench.local_stack --smoke`): its report has
every row. Benchmarks are not tests: nothing here looks at a time, a share or a ratio."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ROWS = [
    "| CPU while idle for",
    "| 20 clients at once,",
    "| step latency, median of",
    "| memory of the stack's process (RSS)",
    "| stopping after the long run",
    "| steps | median step latency | RSS at the end |",
]


def test_the_smoke_run_reports_idle_cpu_many_clients_and_a_long_run(tmp_path: Path) -> None:
    out = tmp_path / "local-stack.md"
    result = subprocess.run(
        [sys.executable, "-m", "bench.local_stack", "--smoke", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    report = out.read_text()
    for row in ROWS:
        assert row in report
    assert ", 0 errors |" in report
