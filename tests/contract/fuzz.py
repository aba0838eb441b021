"""Schemathesis, run as its CLI runs in CI: a bounded, seeded run of every check against the
app on a local server, as three users (two of one tenant, one of another) so that its
object-level-authorization check can try each one's contacts as the others."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("schemathesis.toml")
HOOKS = "tests.contract.fuzz_hooks"
CLI = Path(sys.executable).with_name("st")
SEED = 20261202
# Per operation and phase; with the stateful phase about two minutes on this machine.
MAX_EXAMPLES = 40
PHASES = "examples,coverage,fuzzing,stateful"


def auth_document(tokens: dict[str, str], folder: Path) -> Path:
    """A Web Fuzzing Commons auth file: one entry per user, each with its bearer token."""
    entries = [
        {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]}
        for name, token in tokens.items()
    ]
    path = folder / "auth.json"
    path.write_text(json.dumps({"auth": entries}))
    return path


def run(
    base_url: str,
    auth: Path,
    peers: list[str],
    unsubscribe_token: str,
    confirm_token: str,
    snooze_token: str,
    now: datetime,
    report: Path,
    integrations: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`st run` against `base_url` with every check, stateful links, a fixed seed."""
    config = CONFIG.read_text() + (f'\n[auth.wfc]\npath = "{auth}"\npeers = {json.dumps(peers)}\n')
    config_file = report.parent / "schemathesis.toml"
    config_file.write_text(config)
    command = [
        str(CLI),
        "--config-file",
        str(config_file),
        "run",
        f"{base_url}/openapi.json",
        f"--url={base_url}",
        "--checks=all",
        f"--phases={PHASES}",
        f"--seed={SEED}",
        f"--max-examples={MAX_EXAMPLES}",
        "--workers=1",
        "--no-color",
        "--report=junit",
        f"--report-junit-path={report}",
    ]
    env = {
        **os.environ,
        "RAPPORT_FUZZ_UNSUBSCRIBE_TOKEN": unsubscribe_token,
        "RAPPORT_FUZZ_CONFIRM_TOKEN": confirm_token,
        "RAPPORT_FUZZ_SNOOZE_TOKEN": snooze_token,
        "RAPPORT_FUZZ_NOW": now.isoformat(),
        **(integrations or {}),
        "SCHEMATHESIS_HOOKS": HOOKS,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        # In the test's folder: schemathesis keeps a cache in its working directory.
        command,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
        env=env,
        cwd=report.parent,
    )
