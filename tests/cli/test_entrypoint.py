"""`python -m chalicelib.cli` runs as a program, and `token` stays free of boto3."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_module_lists_its_commands(env: dict[str, str]) -> None:
    result = run(["-m", "chalicelib.cli", "--help"], env)

    assert result.returncode == 0
    assert "token" in result.stdout
    assert "create-tables" in result.stdout


def test_minting_a_token_never_imports_boto3(env: dict[str, str]) -> None:
    program = (
        "import sys\n"
        "from chalicelib.cli import main\n"
        "status = main(['token', '--tenant', 't', '--user', 'u', '--email', 'a@example.com'])\n"
        "assert 'boto3' not in sys.modules, 'token imported boto3'\n"
        "sys.exit(status)\n"
    )

    result = run(["-c", program], env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.count(".") == 2
