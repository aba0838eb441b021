"""checkov (an infrastructure scanner no one here wrote) on the synthesized templates: nothing
fails that infra/checkov/skips.yaml does not list with a reason.

The pinned checkov lives in its own virtualenv, `.venv/checkov` (`infra/checkov/install.sh`),
because its own pins clash with requirements-dev.txt. It runs offline (`--skip-download`, no
update check), once per session over both stages and a canary template that must fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from .synth import Synthesized

REPO = Path(__file__).resolve().parents[2]
CHECKOV_DIR = REPO / "infra" / "checkov"
SKIPS = CHECKOV_DIR / "skips.yaml"
INSTALL = "infra/checkov/install.sh"
# An SNS topic without encryption: CKV_AWS_26, which the stack itself passes.
CANARY = {"Resources": {"Canary": {"Type": "AWS::SNS::Topic", "Properties": {}}}}
CANARY_FINDING = ("CKV_AWS_26", "AWS::SNS::Topic.Canary")

Finding = tuple[str, str]  # (check id, checkov's resource id)


@dataclass(frozen=True)
class Scan:
    version: str
    failed: dict[str, set[Finding]]  # by template file name


def _checkov() -> str | None:
    for candidate in (os.environ.get("CHECKOV"), REPO / ".venv" / "checkov" / "bin" / "checkov"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    return shutil.which("checkov")


def _pinned_version() -> str:
    for line in (CHECKOV_DIR / "requirements.txt").read_text().splitlines():
        if line.startswith("checkov=="):
            return line.removeprefix("checkov==").strip()
    raise AssertionError("infra/checkov/requirements.txt pins no checkov")


def _reports(output: str) -> list[dict[str, Any]]:
    parsed = json.loads(output)
    return parsed if isinstance(parsed, list) else [parsed]


@pytest.fixture(scope="module")
def scan(synthesized: dict[str, Synthesized], tmp_path_factory: pytest.TempPathFactory) -> Scan:
    checkov = _checkov()
    if checkov is None:
        pytest.fail(f"checkov is not installed: run {INSTALL} (it makes .venv/checkov)")
    canary = tmp_path_factory.mktemp("checkov") / "canary.template.json"
    canary.write_text(json.dumps(CANARY))
    templates = [synthesized["prod"].path, synthesized["dev"].path, canary]
    command = [checkov, "--framework", "cloudformation", "--skip-download", "--quiet"]
    command += ["--compact", "--output", "json"]
    for template in templates:
        command += ["--file", str(template)]
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode in (0, 1), done.stderr[-2000:]  # 1: some check failed
    failed: dict[str, set[Finding]] = {template.name: set() for template in templates}
    version = ""
    for report in _reports(done.stdout):
        version = report["summary"]["checkov_version"]
        assert report["summary"]["parsing_errors"] == 0
        for check in report["results"]["failed_checks"]:
            failed[Path(check["file_path"]).name].add((check["check_id"], check["resource"]))
    return Scan(version=version, failed=failed)


def _skips() -> list[dict[str, Any]]:
    entries = yaml.safe_load(SKIPS.read_text())
    assert isinstance(entries, list)
    return entries


def unlisted(findings: set[Finding], skips: list[dict[str, Any]]) -> set[Finding]:
    allowed = {(entry["check"], resource) for entry in skips for resource in entry["resources"]}
    return findings - allowed


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_checkov_finds_nothing_the_skip_list_does_not_explain(scan: Scan, stage: str) -> None:
    assert unlisted(scan.failed[f"{stage}.template.json"], _skips()) == set()


def test_a_finding_outside_the_skip_list_fails_the_check(scan: Scan) -> None:
    assert unlisted(scan.failed["canary.template.json"], _skips()) == {CANARY_FINDING}


def test_every_skip_still_matches_a_finding_and_says_why(scan: Scan) -> None:
    found = scan.failed["prod.template.json"] | scan.failed["dev.template.json"]

    for entry in _skips():
        assert len(str(entry.get("reason", "")).split()) >= 10, f"{entry['check']}: no reason"
        assert entry["resources"], entry["check"]
        stale = {r for r in entry["resources"] if (entry["check"], r) not in found}
        assert not stale, f"{entry['check']} no longer fails for {stale}: remove them"


def test_the_scan_ran_the_pinned_checkov(scan: Scan) -> None:
    assert scan.version == _pinned_version()


def test_the_fixed_findings_of_the_first_scan_stay_fixed(scan: Scan) -> None:
    # Access logging and tracing on the API, encrypted topics: failed before issue 18.
    fixed = {"CKV_AWS_76", "CKV_AWS_73", "CKV_AWS_26"}
    found = scan.failed["prod.template.json"] | scan.failed["dev.template.json"]

    assert {check for check, _ in found} & fixed == set()
    assert not {entry["check"] for entry in _skips()} & fixed
