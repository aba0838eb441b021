"""Cold start: the import time of `app` against `import boto3` alone, each in a fresh process.

Runs alternate between the two (so a busy moment hurts both alike) after one unmeasured run
of each (so both find their bytecode caches written), and the medians are compared. A second
pass with `-X importtime` names the packages `app` imports beyond boto3's own, largest first:
what to make lazy if the ratio misses its goal.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOAL_RATIO = 1.5
# app.py imports handlers when first called (so each of the four functions loads only what it
# uses); this is everything the API function has loaded once it answered its first step.
FIRST_STEP = "app, chalicelib.api.contact_routes, chalicelib.eventstore.dynamodb, botocore.client"
_TIMED = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


class ColdStartError(Exception):
    """A measuring subprocess failed."""


@dataclass(frozen=True)
class ColdStart:
    app_seconds: list[float]
    boto3_seconds: list[float]
    # Self time (seconds) of what `app` imports and `import boto3` does not, largest first:
    # third-party packages whole, chalicelib by subpackage; and the total of all of them.
    extra_packages: list[tuple[str, float]]
    extra_total: float
    # `import app` plus what the API's first step imports, for a cold start told whole.
    first_step_seconds: list[float]

    @property
    def first_step_ratio(self) -> float:
        return statistics.median(self.first_step_seconds) / self.boto3_median

    @property
    def app_median(self) -> float:
        return statistics.median(self.app_seconds)

    @property
    def boto3_median(self) -> float:
        return statistics.median(self.boto3_seconds)

    @property
    def ratio(self) -> float:
        return self.app_median / self.boto3_median

    @property
    def met(self) -> bool:
        return self.ratio <= GOAL_RATIO


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        raise ColdStartError(f"python {' '.join(args)} failed: {result.stderr[-2000:]}")
    return result


def _import_seconds(module: str) -> float:
    return float(_python("-c", _TIMED.format(module=module)).stdout.strip())


def _self_times(module: str) -> dict[str, int]:
    """Microseconds of self time per imported module, from `-X importtime`."""
    report = _python("-X", "importtime", "-c", f"import {module}").stderr
    times: dict[str, int] = {}
    for line in report.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, _, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if own.isdigit():
            times[name] = int(own)
    return times


def _extra_packages() -> list[tuple[str, float]]:
    ours = _self_times("app")
    boto3_alone = set(_self_times("boto3"))
    by_package: Counter[str] = Counter()
    for name, micros in ours.items():
        if name not in boto3_alone:
            by_package[_group(name)] += micros
    return [(package, micros / 1e6) for package, micros in by_package.most_common()]


def _group(module: str) -> str:
    """Third-party packages as a whole; Rapport's own code by subpackage, to point at a fix."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "chalicelib" else parts[0]


def measure_cold_start(runs: int, top: int = 8) -> ColdStart:
    _import_seconds("app")
    _import_seconds("boto3")
    _import_seconds(FIRST_STEP)
    app_times, boto3_times, first_step = [], [], []
    for _ in range(runs):
        app_times.append(_import_seconds("app"))
        boto3_times.append(_import_seconds("boto3"))
        first_step.append(_import_seconds(FIRST_STEP))
    extra = _extra_packages()
    return ColdStart(app_times, boto3_times, extra[:top], sum(s for _, s in extra), first_step)
