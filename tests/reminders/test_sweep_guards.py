"""What the sweep refuses to send, even when the due index (eventually consistent) says due:
reminders of contacts that moved on, of users who turned reminders off, and early ones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.clock import FixedClock
from chalicelib.domain import events as ev
from chalicelib.domain.vocabulary import Action, ReplyOutcome
from chalicelib.settings import Settings
from tests.reminders.sweep_support import World, utc

FRIDAY_9 = utc("2026-11-27T09:00")


@pytest.fixture
def world(settings: Settings, clock: FixedClock) -> World:
    return World.in_memory(settings, clock)


def due_index_size(world: World) -> int:
    reminders = world.services.view_store.snapshot().reminders.values()
    return sum(1 for reminder in reminders if reminder.due_shard is not None)


@pytest.mark.parametrize(
    "moved_on",
    [
        ev.ContactArchived(reason="changed focus"),
        ev.ReplyReceived(outcome=ReplyOutcome.DECLINED),
        ev.ContactErased(),
    ],
    ids=["archived", "declined", "erased"],
)
def test_a_contact_that_moved_on_gets_no_reminder_even_before_the_projector_catches_up(
    world: World, moved_on: ev.EventData
) -> None:
    who = world.user()
    contact = world.add(who)
    world.step(who, contact, ev.OutreachSent())
    world.sweep(FRIDAY_9)  # projected: follow-up due on Tuesday 8 December
    world.step(who, contact, moved_on)

    report = world.sweep(utc("2026-12-08T09:00"), drain=False)

    assert report.sent == []
    assert world.emails() == []
    assert world.reminders_recorded(who, contact) == []


def test_a_reminder_waits_for_the_reminder_hour_the_user_just_chose(world: World) -> None:
    # Given a reach-out reminder indexed for 09:00, then a reminder hour of 11 the projector
    # has not applied yet
    who = world.user()
    world.add(who)
    world.drain()
    world.save_settings("acme", "ada", reminder_hour=11)

    # When sweeps run at 09:00, and at 11:00
    at_nine = world.sweep(FRIDAY_9, drain=False)
    at_eleven = world.sweep(FRIDAY_9 + timedelta(hours=2), drain=False)

    # Then the email waits for 11:00
    assert at_nine.sent == []
    assert [c.planned.action for c in at_eleven.sent] == [Action.REACH_OUT]


def test_a_user_who_turned_reminders_off_gets_nothing_and_their_reminders_leave_the_index(
    world: World,
) -> None:
    who = world.user()
    world.add(who)
    world.drain()
    world.save_settings("acme", "ada", reminders_enabled=False)

    lagging = world.sweep(FRIDAY_9, drain=False)
    caught_up = world.sweep(FRIDAY_9 + timedelta(minutes=15))

    assert (lagging.emails, lagging.silent_users) == (0, 1)
    assert (caught_up.emails, caught_up.silent_users) == (0, 0)
    assert due_index_size(world) == 0
    assert world.emails() == []


def test_turning_reminders_back_on_sends_what_is_still_due(world: World) -> None:
    who = world.user(reminders_enabled=False)
    world.add(who)
    assert world.sweep(FRIDAY_9).emails == 0

    world.save_settings("acme", "ada", reminders_enabled=True)
    report = world.sweep(FRIDAY_9 + timedelta(minutes=15))

    assert [c.planned.action for c in report.sent] == [Action.REACH_OUT]


def test_a_user_without_an_email_address_is_skipped(world: World) -> None:
    who = world.user(email=None)
    world.add(who)

    report = world.sweep(FRIDAY_9)

    assert (report.emails, report.silent_users, report.errors) == (0, 1, 0)


def test_questions_for_an_interview_that_already_started_are_dropped_not_sent(
    world: World,
) -> None:
    # Given an interview on Monday 08:00, scheduled on Thursday, and no sweep until it started
    who = world.user()
    contact = world.add(who)
    world.step(who, contact, ev.OutreachSent())
    world.step(who, contact, ev.InterviewScheduled(starts_at=utc("2026-11-30T08:00")))

    # When the first sweep runs after the interview ended
    report = world.sweep(utc("2026-11-30T08:45"))

    # Then neither the questions nor the briefing go out, and the index forgets both
    assert report.sent == []
    assert report.dropped == 2
    assert world.sweep(utc("2026-11-30T09:00")).dropped == 0
    log_is_next = world.sweep(utc("2026-12-02T09:00"))
    assert [c.planned.action for c in log_is_next.sent] == [Action.LOG_INTERVIEW]


def test_a_dry_run_lists_what_is_due_and_changes_nothing(world: World) -> None:
    who = world.user()
    contact = world.add(who, name="Ada Park")

    dry = world.sweep(FRIDAY_9, dry_run=True)

    assert [c.describe() for c in dry.planned] == [
        {
            "tenant_id": "acme",
            "user_id": "ada",
            "contact_id": contact,
            "name": "Ada Park",
            "action": "reach_out",
            "due_at": "2026-11-26T14:00:00Z",
            "send_at": "2026-11-27T09:00:00Z",
        }
    ]
    assert world.emails() == []
    assert world.sweep(FRIDAY_9).emails == 1
