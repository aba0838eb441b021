"""`create-tables` creates what is missing and is harmless to run again."""

from __future__ import annotations

import pytest

from chalicelib.adapters import aws
from chalicelib.cli import main
from chalicelib.settings import Settings


@pytest.mark.usefixtures("aws_mock")
def test_a_second_run_creates_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The fixture already made the test tables; the CLI gets names of its own to create.
    monkeypatch.setenv("EVENTS_TABLE", "cli-events")
    monkeypatch.setenv("VIEWS_TABLE", "cli-views")

    first = main(["create-tables"])
    first_out = capsys.readouterr().out
    second = main(["create-tables"])
    second_out = capsys.readouterr().out

    assert (first, second) == (0, 0)
    assert first_out.splitlines() == ["created cli-events", "created cli-views"]
    assert second_out.strip() == "all tables exist: cli-events, cli-views"
    dynamodb = aws.client("dynamodb", Settings.from_env())
    events = dynamodb.describe_table(TableName="cli-events")["Table"]
    assert events["StreamSpecification"]["StreamEnabled"]
