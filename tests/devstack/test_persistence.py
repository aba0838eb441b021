"""Data that survives: the events are kept in the state folder, a restart finds every contact,
view and due reminder again, and an erased contact leaves no trace in the folder."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.devstack.stack import DevStack
from tests.devstack.http import call, eventually
from tests.devstack.test_cli_dev import (
    REPO,
    STOP_SECONDS,
    dev_command,
    labelled,
    lines_of,
    read_until,
)

SECRET_NAME = "Quillon Zbarsky"


class _Dev:
    """`cli dev` in a process of its own, started and stopped as a person does."""

    def __init__(self, tmp_path: Path, *extra: str) -> None:
        self._process = subprocess.Popen(
            dev_command(tmp_path, "--port", "0", "--smtp-port", "0", *extra),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self._process.stdout is not None
        self._lines = lines_of(self._process.stdout)
        self.banner = read_until(self._lines, "Press Ctrl-C")
        self.api, self.token = labelled(self.banner, "API"), labelled(self.banner, "Token")

    def ctrl_c(self) -> int:
        self._process.send_signal(signal.SIGINT)
        code = self._process.wait(timeout=STOP_SECONDS)
        read_until(self._lines, "Stopped.")
        return code

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()


@pytest.fixture
def processes() -> Iterator[list[_Dev]]:
    started: list[_Dev] = []
    yield started
    for process in started:
        process.kill()


def _read_models(dev: _Dev) -> dict[str, Any]:
    contacts = call("GET", f"{dev.api}/contacts?limit=100", token=dev.token)[1]["items"]
    dashboard = call("GET", f"{dev.api}/dashboard", token=dev.token)[1]
    dashboard.pop("as_of")
    return {"contacts": contacts, "dashboard": dashboard}


def _projected(dev: _Dev) -> dict[str, Any] | None:
    models = _read_models(dev)
    statuses = [contact["status"] for contact in models["contacts"]]
    shown = statuses == ["reaching_out"] and models["dashboard"]["counts"]["reaching_out"] == 1
    return models if shown else None


def test_steps_survive_ctrl_c_and_a_restart_with_their_views_and_due_reminders(
    tmp_path: Path, processes: list[_Dev]
) -> None:
    first = _Dev(tmp_path, "--no-demo")
    processes.append(first)
    status, contact = call("POST", f"{first.api}/contacts", token=first.token, body={"name": "Ada"})
    assert status == 201
    step = {"type": "outreach_sent", "channel": "email"}
    path = f"{first.api}/contacts/{contact['contact_id']}/events"
    assert call("POST", path, token=first.token, body=step)[0] == 201
    # The read side is eventually consistent: wait until it shows the step.
    before = eventually(lambda: _projected(first), "the step in the read models")
    assert first.ctrl_c() == 0

    second = _Dev(tmp_path, "--no-demo")
    processes.append(second)
    after = _read_models(second)

    assert "items restored" in second.banner
    assert after == before
    assert after["dashboard"]["counts"]["reaching_out"] == 1
    assert [c["next_action"]["action"] for c in after["contacts"]] == ["follow_up"]
    assert second.ctrl_c() == 0


def test_fresh_starts_empty_and_only_an_empty_stack_gets_the_demo(
    tmp_path: Path,
) -> None:
    with DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path) as first:
        call("POST", f"{first.api_url}/contacts", token=first.token, body={"name": "Mine"})
    with DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path) as kept:
        _, dashboard = call("GET", f"{kept.api_url}/dashboard", token=kept.token)
        kept_demo = kept.demo_contact_ids
    with DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path, fresh=True) as fresh:
        _, fresh_dashboard = call("GET", f"{fresh.api_url}/dashboard", token=fresh.token)

    assert sum(dashboard["counts"].values()) == 13  # the demo's 12 and mine, kept
    assert kept_demo == []  # not loaded a second time
    assert sum(fresh_dashboard["counts"].values()) == 12  # empty again, so the demo


def test_an_erased_contact_leaves_no_trace_in_the_state_folder_after_a_restart(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    with DevStack(port=0, outbox=tmp_path / "outbox", state_dir=state, demo=False) as first:
        token = first.token
        body = {"name": SECRET_NAME, "email": "quillon@example.com", "notes": "Met at a fair."}
        _, contact = call("POST", f"{first.api_url}/contacts", token=token, body=body)
        events = f"{first.api_url}/contacts/{contact['contact_id']}/events"
        note = {"type": "research_noted", "subject": "person", "text": f"{SECRET_NAME} ran a lab"}
        call("POST", events, token=token, body=note)
        first.drain()
        assert SECRET_NAME.encode() in (state / "events.jsonl").read_bytes()
        assert (
            call("DELETE", f"{first.api_url}/contacts/{contact['contact_id']}", token=token)[0]
            == 204
        )

    with DevStack(port=0, outbox=tmp_path / "outbox", state_dir=state, demo=False) as second:
        status, _ = call("GET", f"{second.api_url}/contacts/{contact['contact_id']}", token=token)

    assert status == 404
    # The state folder holds the kept events, the secret and dev.env. (The outbox, which
    # stands for the user's own mailbox, is elsewhere: an email already sent is not recalled.)
    for path in state.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET_NAME.encode() not in data, path
            assert b"quillon@example.com" not in data, path
            assert b"Met at a fair" not in data, path
