"""`@redocly/cli lint` (pinned) finds nothing in `GET /openapi.json`: no error, no warning, and
no rule off but the ones redocly.yaml turns off with a reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.contract.tools import LINT_CONFIG, lint

pytestmark = pytest.mark.integration  # runs node


def test_redocly_finds_no_error_and_no_warning(
    served_document: dict[str, Any], tmp_path: Path
) -> None:
    report = lint(served_document, tmp_path)

    problems = [
        f"{p['severity']} {p['ruleId']}: {p['message']} at {p['location'][0]['pointer']}"
        for p in report["problems"]
    ]
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, "\n".join(problems)


def test_every_rule_turned_off_says_why() -> None:
    lines = LINT_CONFIG.read_text().splitlines()
    rules = yaml.safe_load("\n".join(lines))["rules"]

    for rule in rules:
        at = next(n for n, line in enumerate(lines) if line.strip().startswith(f"{rule}:"))
        assert lines[at - 1].strip().startswith("#"), f"{rule} is off without a reason above it"
