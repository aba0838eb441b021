"""The sweep's entry points: `python -m chalicelib.cli remind [--now ISO] [--dry-run]`, and
the 15-minute schedule."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.cli import main
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings
from tests.reminders.sweep_support import World, utc


@pytest.fixture
def world(aws_mock: None, settings: Settings, clock: FixedClock) -> Iterator[World]:
    built = World.build(settings, clock)
    bootstrap.install(built.services)
    yield built
    bootstrap.install(None)


def test_a_dry_run_lists_what_would_be_sent_and_sends_nothing(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    who = world.user(timezone="Asia/Tokyo")
    contact = world.add(who, name="Ada Park")
    world.drain()

    code = main(["remind", "--now", "2026-11-27T09:00:00+09:00", "--dry-run"])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0] == (
        f"acme/ada  {contact} (Ada Park)  reach_out  "
        "due 2026-11-26T14:00:00Z  send 2026-11-27T00:00:00Z"
    )
    assert json.loads(lines[1])["planned"] == 1
    assert world.emails() == []


def test_remind_sends_as_of_the_given_time(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    who = world.user()
    world.add(who)
    world.drain()

    too_early = main(["remind", "--now", "2026-11-27T08:59:00Z"])
    on_time = main(["remind", "--now", "2026-11-27T09:00:00Z"])

    summaries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (too_early, on_time) == (0, 0)
    assert [s["emails"] for s in summaries] == [0, 1]
    assert len(world.emails()) == 1


def test_a_time_without_an_offset_is_a_usage_error(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["remind", "--now", "2026-11-27T09:00"]) == 2
    assert "--now" in capsys.readouterr().err


def test_without_an_unsubscribe_secret_no_reminder_can_be_sent(
    aws_mock: None, settings: Settings, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    unsigned = settings.model_copy(update={"unsubscribe_secret": None})
    bootstrap.install(bootstrap.for_aws(unsigned, clock=clock))
    try:
        assert main(["remind"]) == 2
    finally:
        bootstrap.install(None)
    assert "UNSUBSCRIBE_SECRET" in capsys.readouterr().err


def test_the_schedule_runs_a_sweep_as_of_now(world: World) -> None:
    who = world.user()
    world.add(who)
    world.at(utc("2026-11-27T09:00")).drain()

    with Client(app) as client:
        event = client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        )
        client.lambda_.invoke("send_reminders", event)

    assert len(world.emails()) == 1
