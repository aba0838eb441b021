"""Packaging the Chalice app inside a stack: a missing function is named, an S3 trigger the
stack does not wire is refused, nothing leaks."""

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


FIXTURE_APP = Path(__file__).with_name("fixture_app") / "app.py"


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_source: str) -> Path:
    if NODE_MISSING:
        pytest.skip(NODE_MISSING)
    source = tmp_path / "app"
    (source / ".chalice").mkdir(parents=True)
    (source / ".chalice" / "config.json").write_text('{"version": "2.0", "app_name": "rapport"}')
    (source / "requirements.txt").write_text("")
    (source / "app.py").write_text(app_source)
    monkeypatch.chdir(tmp_path)
    return source


@pytest.fixture
def app_without_sweep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return _project(tmp_path, monkeypatch, APP_WITHOUT_SWEEP)


@pytest.fixture
def app_with_another_prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The fixture app, its mail under a prefix the stack's bucket notification does not watch.
    source = FIXTURE_APP.read_text().replace(
        'INBOUND_PREFIX = "inbound/"', 'INBOUND_PREFIX = "mail/"'
    )
    assert "mail/" in source
    return _project(tmp_path, monkeypatch, source)


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


def test_an_s3_trigger_the_stack_does_not_wire_fails_and_chalice_is_left_as_it_was(
    app_with_another_prefix: Path,
) -> None:
    from aws_cdk import App, Stack
    from chalice.package import SAMTemplateGenerator
    from rapport_infra.chalice_app import ChaliceAppError, package_chalice_app

    generator = SAMTemplateGenerator.__dict__["_generate_s3bucketnotification"]
    stack = Stack(App(outdir=str(app_with_another_prefix.parent / "cdk.out")), "dev")

    with pytest.raises(ChaliceAppError, match="mail/"):
        package_chalice_app(stack, "Api", app_with_another_prefix)

    # Chalice's own `chalice package` refuses S3 notifications again once packaging is done.
    assert SAMTemplateGenerator.__dict__["_generate_s3bucketnotification"] is generator
    with pytest.raises(NotImplementedError, match="on_s3_event"):
        generator(None, None, {})
