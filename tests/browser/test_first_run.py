"""Issue 5's "done when": the first command of the README, as a newcomer runs it.

`python -m chalicelib.cli dev` in its own process: the dashboard URL it prints shows the demo
data, and a reminder due in the demo data is in the outbox within two minutes of the start.
"""

from __future__ import annotations

import email
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chalicelib.devstack.demo_data import DEMO_USER

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
REMINDER_DEADLINE_SECONDS = 120.0
STOP_SECONDS = 15.0
DEMO_NAMES = ("Priya Raman", "Marcus Chen", "Aisha Khan", "Grace Liu", "Oliver Martin")


class DevProcess:
    """`cli dev` started with fresh folders; its printed lines are read as they come."""

    def __init__(self, home: Path) -> None:
        self.outbox = home / "outbox"
        self.started = time.monotonic()
        # A clean environment, as on a fresh clone: nothing leaks in from this test process.
        environment = {"PATH": os.environ["PATH"], "HOME": str(home), "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "chalicelib.cli", "dev", "--port", "0", "--smtp-port", "0"]
        command += ["--outbox", str(self.outbox), "--state-dir", str(home / "state")]
        self.process = subprocess.Popen(
            command, cwd=REPO, env=environment, stdout=subprocess.PIPE, text=True
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def banner(self) -> str:
        """Everything printed up to "Press Ctrl-C", within the deadline."""
        seen: list[str] = []
        deadline = self.started + REMINDER_DEADLINE_SECONDS
        while not seen or "Press Ctrl-C" not in seen[-1]:
            line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if line is None:
                raise AssertionError("cli dev ended early:\n" + "".join(seen))
            seen.append(line)
        return "".join(seen)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=STOP_SECONDS)


def labelled(banner: str, label: str) -> str:
    found = re.search(rf"^\s*{label}:\s+(\S+)", banner, re.MULTILINE)
    assert found, f"no {label} line in:\n{banner}"
    return found[1]


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[DevProcess]:
    started = DevProcess(tmp_path)
    yield started
    if started.process.poll() is None:
        started.process.kill()
        started.process.wait()


def read_eml(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_the_first_command_shows_the_demo_dashboard_and_emails_a_due_reminder_at_once(
    dev: DevProcess, page: Page
) -> None:
    banner = dev.banner()
    sent = [read_eml(path) for path in sorted(dev.outbox.glob("*.eml"))]
    elapsed = time.monotonic() - dev.started
    reminders = [message for message in sent if message["To"] == DEMO_USER.email]
    assert reminders, "the start's sweep emails the demo's due reminders"
    assert elapsed < REMINDER_DEADLINE_SECONDS
    plain = reminders[0].get_body(("plain",))
    assert plain is not None
    assert "Marcus Chen" in plain.get_content(), "the demo's overdue follow-up"

    page.goto(labelled(banner, "Dashboard"))
    expect(page.get_by_test_id("last-updated")).to_contain_text("Updated")
    board = page.get_by_test_id("board")
    for name in DEMO_NAMES:
        expect(board.locator(".card", has_text=name)).to_have_count(1)
    expect(board.locator(".card")).to_have_count(12)
    expect(page.get_by_test_id("funnel-chart")).to_be_visible()

    assert dev.stop() == 0
