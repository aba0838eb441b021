"""`python -m chalicelib.cli dev` as a person runs it: it prints where things are, serves them,
and stops cleanly on Ctrl-C."""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import pytest

from tests.devstack.http import call, eventually

REPO = Path(__file__).resolve().parents[2]
START_SECONDS = 60.0
STOP_SECONDS = 10.0


def dev_command(tmp_path: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "chalicelib.cli",
        "dev",
        "--outbox",
        str(tmp_path / "outbox"),
        "--state-dir",
        str(tmp_path / "state"),
        *extra,
    ]


def lines_of(stream: IO[str]) -> queue.Queue[str | None]:
    """The stream's lines as they come (None at its end), so a test can wait with a deadline."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def read_until(lines: queue.Queue[str | None], marker: str) -> str:
    seen: list[str] = []
    while True:
        line = lines.get(timeout=START_SECONDS)
        if line is None:
            raise AssertionError("the command ended early:\n" + "".join(seen))
        seen.append(line)
        if marker in line:
            return "".join(seen)


def labelled(banner: str, label: str) -> str:
    """The first word after `Label:` at the start of a banner line."""
    found = re.search(rf"^\s*{label}:\s+(\S+)", banner, re.MULTILINE)
    assert found, f"no {label} line in:\n{banner}"
    return found[1]


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        dev_command(tmp_path, "--port", "0", "--smtp-port", "0"),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_dev_prints_its_urls_serves_them_and_stops_cleanly_on_ctrl_c(
    dev: subprocess.Popen[str],
) -> None:
    assert dev.stdout is not None
    lines = lines_of(dev.stdout)
    banner = read_until(lines, "Press Ctrl-C")
    api, token = labelled(banner, "API"), labelled(banner, "Token")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", labelled(banner, "AWS endpoint"))
    assert labelled(banner, "Dashboard") == f"{api}/#token={token}"

    assert call("GET", f"{api}/health") == (200, {"status": "ok"})
    assert call("GET", f"{api}/dashboard", token=token)[0] == 200

    dev.send_signal(signal.SIGINT)
    assert dev.wait(timeout=STOP_SECONDS) == 0
    assert "Stopped." in read_until(lines, "Stopped.")


def test_sigusr1_makes_the_running_dev_stack_sweep_at_once(
    dev: subprocess.Popen[str], tmp_path: Path
) -> None:
    assert dev.stdout is not None
    banner = read_until(lines_of(dev.stdout), "Press Ctrl-C")
    api, token = labelled(banner, "API"), labelled(banner, "Token")
    _, contact = call("POST", f"{api}/contacts", token=token, body={"name": "Usr One"})
    # Logged as twelve days old, the outreach has a follow-up whose reminder hour has come.
    twelve_days_ago = (datetime.now(UTC) - timedelta(days=12)).isoformat()
    step = {"type": "outreach_sent", "channel": "email", "at": twelve_days_ago}
    assert (
        call("POST", f"{api}/contacts/{contact['contact_id']}/events", token=token, body=step)[0]
        == 201
    )

    dev.send_signal(signal.SIGUSR1)

    def emailed() -> bool | None:
        sent = (tmp_path / "outbox").glob("*.eml")
        return True if any(b"Usr One" in path.read_bytes() for path in sent) else None

    assert eventually(emailed, "a sweep's email about the new contact")
    assert dev.poll() is None, "the signal swept; it did not stop the stack"


def test_dev_on_a_busy_port_says_so_and_exits_1(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = str(squatter.getsockname()[1])
        result = subprocess.run(
            dev_command(tmp_path, "--port", port, "--smtp-port", "0"),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=START_SECONDS,
            check=False,
        )

    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
