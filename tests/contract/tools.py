"""The contract's tools: the pinned client generator (a pip package) and the pinned linter
(an npm package, installed on first use into .venv/redocly from the lock file here)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# No post hooks: they would run ruff on the output, so the client would depend on its version.
# The CSV import takes its file as it is: for the generator, a body of bytes (a `File`).
GENERATOR_CONFIG = "post_hooks: []\ncontent_type_overrides:\n  text/csv: application/octet-stream\n"
LINT_PACKAGE = Path(__file__).with_name("redocly")
LINT_HOME = ROOT / ".venv" / "redocly"
LINT_CONFIG = ROOT / "redocly.yaml"
# The linter checks npm for a newer version and reports usage unless told not to.
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}


def generate_client(document: dict[str, Any], folder: Path, package: str) -> Path:
    """Generates the Python client of `document` as `folder/package`; any warning fails."""
    if not GENERATOR.exists():
        pytest.fail(f"{GENERATOR} is missing: pip install -r requirements-dev.txt")
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(document, indent=2))
    config = folder / "generator.yaml"
    config.write_text(GENERATOR_CONFIG)
    command = [
        str(GENERATOR),
        "generate",
        f"--path={spec}",
        f"--output-path={folder / package}",
        "--meta=none",
        f"--config={config}",
        "--fail-on-warning",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / package


def redocly() -> Path:
    """The pinned `redocly` binary, installed with `npm ci` unless the lock file is unchanged."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail(
            "node and npm are needed to lint the OpenAPI document (@redocly/cli); CI has them"
        )
    binary = LINT_HOME / "node_modules" / ".bin" / "redocly"
    lock = LINT_PACKAGE / "package-lock.json"
    installed = LINT_HOME / "package-lock.json"
    if binary.exists() and installed.exists() and installed.read_bytes() == lock.read_bytes():
        return binary
    LINT_HOME.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(LINT_PACKAGE / name, LINT_HOME / name)
    command = ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"]
    done = subprocess.run(
        command, cwd=LINT_HOME, capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0 or not binary.exists():
        pytest.fail(f"npm ci of @redocly/cli in {LINT_HOME} failed:\n{done.stdout}{done.stderr}")
    return binary


def lint(document: dict[str, Any], folder: Path) -> dict[str, Any]:
    """redocly's report (`totals`, `problems`) on the document, with the repo's redocly.yaml."""
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(document, indent=2))
    command = [str(redocly()), "lint", str(spec), f"--config={LINT_CONFIG}", "--format=json"]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **QUIET},
    )
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        pytest.fail(f"redocly lint gave no report:\n{done.stdout}{done.stderr}")
    return report
