"""`import-contacts FILE --tenant T --user U [--dry-run]`: the import of the API, from a shell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.bootstrap import Services
from chalicelib.cli import main
from chalicelib.eventstore.port import StreamId

LINKEDIN = (
    Path(__file__).resolve().parents[1] / "contact_import" / "fixtures" / "linkedin_connections.csv"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["import-contacts", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_dry_run_then_an_import_then_nothing_more(
    services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    base = (str(LINKEDIN), "--tenant", "acme", "--user", "ada")
    code, out, _ = run(capsys, *base, "--dry-run")
    preview = json.loads(out)
    assert code == 0
    assert preview["new"]
    assert "created" not in preview
    code, out, _ = run(capsys, *base, "--email", "ada@example.com")
    report = json.loads(out)
    assert code == 0
    assert report["created"] == [row["contact_id"] for row in preview["new"]]
    streams = [StreamId("acme", contact_id) for contact_id in report["created"]]
    assert services.event_store.started(streams) == set(streams)
    saved = services.settings_repository.get("acme", "ada")
    assert saved is not None
    assert saved.email == "ada@example.com"
    code, out, _ = run(capsys, *base)
    assert code == 0
    assert json.loads(out)["created"] == []


def test_a_file_it_cannot_read_is_exit_2_with_the_reason(
    services: Services, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    headless = tmp_path / "headless.csv"
    headless.write_text("Email\nx@example.com\n")
    code, out, err = run(capsys, str(headless), "--tenant", "acme", "--user", "ada")
    assert code == 2
    assert out == ""
    assert "header" in err.lower()
    code, _, err = run(capsys, str(tmp_path / "missing.csv"), "--tenant", "acme", "--user", "ada")
    assert code == 2
    assert "missing.csv" in err
    code, _, err = run(capsys, str(headless), "--tenant", "bad tenant!", "--user", "ada")
    assert code == 2
    assert "tenant" in err
