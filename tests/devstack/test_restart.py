"""Starting and stopping: fresh state each start, tokens that survive, one stack per process."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from chalicelib import bootstrap
from chalicelib.devstack.api_server import ApiServerError
from chalicelib.devstack.stack import DevStack, DevStackError
from tests.devstack.http import call


def test_a_stopped_stack_started_fresh_is_empty_again_and_its_old_token_still_works(
    tmp_path: Path,
) -> None:
    first = DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path)
    with first:
        old_token = first.token
        call("POST", f"{first.api_url}/contacts", token=old_token, body={"name": "Gone Soon"})

    fresh = DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path, fresh=True)
    with fresh as second:
        status, dashboard = call("GET", f"{second.api_url}/dashboard", token=old_token)

    assert status == 200
    assert sum(dashboard["counts"].values()) == 12, "only the demo contacts: moto began empty"


def test_the_same_stack_object_can_be_started_again(tmp_path: Path) -> None:
    stack = DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path, demo=False)
    stack.start()
    stack.stop()

    stack.start()
    try:
        assert call("GET", f"{stack.api_url}/health")[0] == 200
    finally:
        stack.stop()


def test_a_stack_without_demo_data_starts_empty_and_sends_nothing(tmp_path: Path) -> None:
    with DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path, demo=False) as stack:
        _, dashboard = call("GET", f"{stack.api_url}/dashboard", token=stack.token)
        messages = stack.outbox_messages()

    assert sum(dashboard["counts"].values()) == 0
    assert messages == []


def test_a_second_stack_in_the_same_process_is_refused(tmp_path: Path) -> None:
    second = DevStack(port=0, outbox=tmp_path / "other", state_dir=tmp_path)
    with (
        DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path, demo=False),
        pytest.raises(DevStackError, match="already running"),
    ):
        second.start()


def test_stopping_puts_the_environment_and_services_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://before.example")
    monkeypatch.delenv("UNSUBSCRIBE_SECRET", raising=False)
    bootstrap.install(None)

    with DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path, demo=False) as stack:
        during = os.environ["AWS_ENDPOINT_URL"]
        assert bootstrap.services() is stack.services

    assert during == stack.aws_endpoint_url
    assert os.environ["AWS_ENDPOINT_URL"] == "http://before.example"
    assert "UNSUBSCRIBE_SECRET" not in os.environ
    assert bootstrap.services() is not stack.services


def test_a_busy_port_fails_the_start_and_leaves_nothing_running(tmp_path: Path) -> None:
    endpoint_before = os.environ.get("AWS_ENDPOINT_URL")
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        with pytest.raises(ApiServerError, match="cannot listen"):
            DevStack(port=taken, outbox=tmp_path / "outbox", state_dir=tmp_path).start()

    assert os.environ.get("AWS_ENDPOINT_URL") == endpoint_before
    with DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path, demo=False) as stack:
        assert call("GET", f"{stack.api_url}/health")[0] == 200
