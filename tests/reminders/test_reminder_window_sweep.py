"""Never at night: the sweep sends a user's due reminders only in their reminder window (three
hours from their reminder hour, in their timezone); outside it they wait, due, for the next."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.clock import FixedClock
from chalicelib.domain.vocabulary import Action
from chalicelib.reminders.sweep_report import SweepReport
from chalicelib.settings import Settings
from tests.reminders.sweep_support import World, sent_keys

# (zone, day): DST spring-forward and fall-back days where the zone has them.
DAYS = [
    ("UTC", date(2026, 12, 1)),
    ("America/Los_Angeles", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
    ("America/Sao_Paulo", date(2026, 12, 1)),
    ("Europe/London", date(2026, 10, 25)),
    ("Europe/Berlin", date(2026, 3, 29)),
    ("Asia/Kolkata", date(2026, 12, 1)),
    ("Asia/Tokyo", date(2026, 12, 1)),
    ("Australia/Sydney", date(2026, 10, 4)),
    ("Pacific/Auckland", date(2026, 4, 5)),
]


@pytest.fixture
def world(settings: Settings, clock: FixedClock) -> World:
    return World.in_memory(settings, clock)


def local(zone: str, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone)).astimezone(UTC)


def _reach_outs(report: SweepReport, contact: str) -> int:
    return sum(
        1
        for c in report.sent
        if c.reminder.contact_id == contact and c.planned.action is Action.REACH_OUT
    )


@pytest.mark.parametrize(("zone", "day"), DAYS, ids=[z for z, _ in DAYS])
def test_an_overdue_step_waits_for_the_window_and_goes_once(
    world: World, zone: str, day: date
) -> None:
    # Given a user reminded at 09:00 and a contact due since yesterday 08:00, whose reminder
    # (yesterday 09:00) no sweep sent in yesterday's window
    who = world.user(timezone=zone, reminder_hour=9)
    contact = world.at(local(zone, day - timedelta(days=1), 8)).add(who)

    night = world.sweep(local(zone, day, 1))
    morning = world.sweep(local(zone, day, 9, 30))
    again = world.sweep(local(zone, day, 9, 45))

    assert _reach_outs(night, contact) == 0
    assert _reach_outs(morning, contact) == 1
    assert _reach_outs(again, contact) == 0
    assert [r.action for r in world.reminders_recorded(who, contact)] == [Action.REACH_OUT]
    assert len(world.emails()) == 1


@pytest.mark.parametrize(("zone", "day"), DAYS, ids=[z for z, _ in DAYS])
def test_a_step_due_after_the_window_goes_in_the_next_days_window(
    world: World, zone: str, day: date
) -> None:
    who = world.user(timezone=zone, reminder_hour=9)
    contact = world.at(local(zone, day, 12, 30)).add(who)

    afternoon = world.sweep(local(zone, day, 12, 45))
    night = world.sweep(local(zone, day + timedelta(days=1), 2))
    window = world.sweep(local(zone, day + timedelta(days=1), 9, 5))
    later = world.sweep(local(zone, day + timedelta(days=1), 11, 0))

    assert _reach_outs(afternoon, contact) == 0
    assert _reach_outs(night, contact) == 0
    assert _reach_outs(window, contact) == 1
    assert _reach_outs(later, contact) == 0
    assert sum(sent_keys(afternoon, night, window, later).values()) == 1


@pytest.mark.parametrize(("zone", "day"), DAYS, ids=[z for z, _ in DAYS])
def test_a_missed_window_waits_for_the_next_one_not_the_night(
    world: World, zone: str, day: date
) -> None:
    # Given a reminder due at 09:00 and no sweep until after the window closed at 12:00
    who = world.user(timezone=zone, reminder_hour=9)
    contact = world.at(local(zone, day - timedelta(days=1), 12, 30)).add(who)

    after_window = world.sweep(local(zone, day, 12, 15))
    overnight = world.sweep(local(zone, day + timedelta(days=1), 3))
    next_window = world.sweep(local(zone, day + timedelta(days=1), 9, 1))

    assert _reach_outs(after_window, contact) == 0
    assert _reach_outs(overnight, contact) == 0
    assert _reach_outs(next_window, contact) == 1
    assert len(world.reminders_recorded(who, contact)) == 1
