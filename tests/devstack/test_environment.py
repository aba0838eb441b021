"""The stack's environment: set while it runs, put back as it was on stop."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from chalicelib.devstack.environment import EnvironmentPatch, stack_environment, write_env_file

VALUES = {
    "endpoint_url": "http://127.0.0.1:5555",
    "app_base_url": "http://127.0.0.1:8000",
    "jwt_secret": "j" * 64,
    "unsubscribe_secret": "u" * 64,
}


def test_the_local_defaults_fill_what_the_caller_did_not_set() -> None:
    values = stack_environment(**VALUES, base={})

    assert values["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5555"
    assert values["AWS_ACCOUNT_ID_ENDPOINT_MODE"] == "disabled"
    assert values["EVENTS_TABLE"] == "rapport-events"
    assert values["VIEWS_TABLE"] == "rapport-views"
    assert values["APP_BASE_URL"] == "http://127.0.0.1:8000"


def test_table_names_from_the_callers_environment_are_kept() -> None:
    values = stack_environment(**VALUES, base={"EVENTS_TABLE": "mine-events"})

    assert values["EVENTS_TABLE"] == "mine-events"


def test_a_patch_restores_changed_added_and_removed_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EVENTS_TABLE", "before")
    monkeypatch.setenv("AWS_PROFILE", "someone-real")
    monkeypatch.delenv("APP_BASE_URL", raising=False)
    patch = EnvironmentPatch()

    patch.apply({"EVENTS_TABLE": "during", "APP_BASE_URL": "http://x"})
    during = (os.environ.get("EVENTS_TABLE"), os.environ.get("AWS_PROFILE"))
    patch.restore()

    assert during == ("during", None)
    assert os.environ["EVENTS_TABLE"] == "before"
    assert os.environ["AWS_PROFILE"] == "someone-real"
    assert "APP_BASE_URL" not in os.environ


def test_the_env_file_is_sourced_by_a_shell_with_its_values_intact(tmp_path: Path) -> None:
    path = tmp_path / "dev.env"
    write_env_file(path, {"REMINDER_FROM": "Rapport <r@x.example>", "STAGE": "local"})

    shown = subprocess.run(
        ["sh", "-c", f'set -a; . "{path}"; set +a; printf %s "$REMINDER_FROM"'],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    ).stdout

    assert shown == "Rapport <r@x.example>"
