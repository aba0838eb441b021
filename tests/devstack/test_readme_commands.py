"""Every command block of the README, run as a person pastes it into a new shell, so the
README cannot drift from what the scripts do."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

from tests.devstack.test_cli_dev import REPO, STOP_SECONDS, lines_of, read_until

BLOCK = re.compile(r"^```(?:sh|bash)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks() -> list[list[str]]:
    """Each shell block's commands, comments and blank lines dropped."""
    text = (REPO / "README.md").read_text()
    return [
        [line.split(" #", 1)[0].strip() for line in block.splitlines() if line.strip()]
        for block in BLOCK.findall(text)
    ]


def _new_shell(state: Path) -> dict[str, str]:
    """A shell as a newcomer opens it: no virtualenv active, nothing of this test process.
    RAPPORT_STATE_DIR keeps the stack's files in the test's folder, not in the repo's .local."""
    keep = ("PATH", "HOME", "LANG", "TERM", "TMPDIR")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env["PATH"] = os.pathsep.join(
        part for part in env.get("PATH", "").split(os.pathsep) if ".venv" not in part
    )
    env["RAPPORT_STATE_DIR"] = str(state)
    return env


def test_the_readme_has_the_two_quickstart_commands_and_a_block_of_other_commands() -> None:
    blocks = _blocks()

    assert blocks[0] == ["scripts/dev.sh", "scripts/test.sh"]
    assert len(blocks) >= 2


def test_the_test_command_is_what_ci_runs() -> None:
    # Running scripts/test.sh from inside the suite would run the suite again; CI runs it.
    assert "scripts/test.sh" in (REPO / ".ci" / "run").read_text()


def test_every_other_block_works_pasted_into_a_new_shell_against_the_running_stack(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    env = _new_shell(state)
    # The README's first command, on free ports and with its state in the test's folder.
    dev = subprocess.Popen(
        [
            "bash",
            "-c",
            f'{_blocks()[0][0]} --port 0 --smtp-port 0 --state-dir "$1" --outbox "$1/outbox"',
            "_",
            str(state),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert dev.stdout is not None
        lines = lines_of(dev.stdout)
        read_until(lines, "Press Ctrl-C")
        for block in _blocks()[1:]:
            for command in block:
                result = subprocess.run(
                    ["bash", "-c", command],
                    cwd=REPO,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=False,
                )
                assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
        dev.send_signal(signal.SIGINT)
        assert dev.wait(timeout=STOP_SECONDS) == 0
    finally:
        if dev.poll() is None:
            dev.kill()
            dev.wait()
