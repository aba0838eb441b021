"""Packaging the Chalice app inside a stack: a missing function is named, nothing leaks."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from .node import NODE_MISSING

APP_WITHOUT_SWEEP = """
from chalice import AuthResponse, Chalice

app = Chalice(app_name="rapport")


@app.authorizer()
def jwt_auth(auth_request):
    return AuthResponse(routes=[], principal_id="nobody")


@app.route("/health")
def health():
    return {"status": "ok"}


@app.on_dynamodb_record(
    stream_arn="arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/1970-01-01T00:00:00.000"
)
def project_events(event):
    return None
"""


@pytest.fixture
def app_without_sweep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if NODE_MISSING:
        pytest.skip(NODE_MISSING)
    source = tmp_path / "app"
    (source / ".chalice").mkdir(parents=True)
    (source / ".chalice" / "config.json").write_text('{"version": "2.0", "app_name": "rapport"}')
    (source / "requirements.txt").write_text("")
    (source / "app.py").write_text(APP_WITHOUT_SWEEP)
    monkeypatch.chdir(tmp_path)
    return source


def test_an_app_missing_a_wired_function_fails_naming_it_and_leaves_imports_as_they_were(
    app_without_sweep: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aws_cdk import App, Stack
    from rapport_infra.chalice_app import ChaliceAppError, package_chalice_app

    callers_app = types.ModuleType("app")
    monkeypatch.setitem(sys.modules, "app", callers_app)
    path_before = list(sys.path)
    stack = Stack(App(outdir=str(app_without_sweep.parent / "cdk.out")), "dev")

    with pytest.raises(ChaliceAppError, match="send_reminders"):
        package_chalice_app(stack, "Api", app_without_sweep)

    assert sys.modules["app"] is callers_app
    assert sys.path == path_before
