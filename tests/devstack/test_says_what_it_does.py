"""The dev stack says what it does: its options' defaults, the secret in force, one line per
sweep."""

from __future__ import annotations

import logging
from pathlib import Path

import jwt
import pytest

from chalicelib.cli import main
from chalicelib.devstack.banner import banner
from chalicelib.devstack.stack import DevStack

SECRET = "a-secret-set-by-whoever-runs-the-stack-0123456789"


def test_dev_help_shows_each_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dev", "--help"]) == 0

    text = capsys.readouterr().out
    assert "(default: 8000)" in text
    assert "(default: .local/outbox)" in text
    assert "--fresh" in text


def test_an_auth_jwt_secret_in_the_environment_signs_and_is_named_in_the_banner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_JWT_SECRET", SECRET)
    with DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path, demo=False) as stack:
        token, text = stack.token, banner(stack)

    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="rapport")
    assert claims["sub"] == "demo-user"
    assert "Token secret:  AUTH_JWT_SECRET from the environment" in text


def test_without_one_the_stacks_own_secret_is_used_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUTH_JWT_SECRET", raising=False)
    with DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path, demo=False) as stack:
        text = banner(stack)

    assert "Token secret:  derived from .local/dev-secret" in text


def test_each_sweep_logs_one_line_of_what_it_sent_skipped_and_failed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path) as stack:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="chalicelib.reminders.sweep"):
            stack.sweep_now()

    lines = [r.getMessage() for r in caplog.records if r.name == "chalicelib.reminders.sweep"]
    assert len(lines) == 1
    assert lines[0].startswith("reminder sweep as of ")
    assert " sent in " in lines[0]
    assert " skipped, " in lines[0]
    assert lines[0].endswith(" failed")
