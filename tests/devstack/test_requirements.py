"""The local stack installs a lean set: what the dev stack runs, nothing the tests need."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Heavy packages only the tests, types, infra and benchmarks need.
TEST_ONLY = {
    "aws-cdk-lib",
    "constructs",
    "cfn-lint",
    "playwright",
    "mypy",
    "eventsourcing",
    "eventsourcing-dynamodb",
    "pytest",
    "hypothesis",
    "ruff",
}


def _names(path: Path) -> set[str]:
    """Every package a requirements file asks for, following `-r` includes."""
    names: set[str] = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            names |= _names(path.parent / line[3:].strip())
            continue
        names.add(re.split(r"[\[=<>!~ ;]", line, maxsplit=1)[0].lower())
    return names


def test_the_local_set_has_what_the_stack_runs() -> None:
    local = _names(ROOT / "requirements-local.txt")

    assert {"chalice", "boto3", "moto", "flask", "pydantic", "jinja2", "pyjwt"} <= local


def test_the_local_set_leaves_out_cdk_playwright_mypy_and_the_benchmarks_peer() -> None:
    local = _names(ROOT / "requirements-local.txt")

    assert local & TEST_ONLY == set()


def test_the_test_set_includes_the_local_set() -> None:
    assert _names(ROOT / "requirements-local.txt") <= _names(ROOT / "requirements-dev.txt")


def test_the_dev_script_installs_the_local_set_and_the_test_script_the_full_one() -> None:
    dev = (ROOT / "scripts" / "dev.sh").read_text()
    test = (ROOT / "scripts" / "test.sh").read_text()

    assert "scripts/bootstrap.sh local" in dev
    assert re.search(r"^scripts/bootstrap\.sh$", test, re.MULTILINE)
