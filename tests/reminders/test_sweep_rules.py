"""Time travel: each step's reminder goes out at the first sweep at or after its send time, in
the user's timezone, and never before. The clock only moves when the test moves it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.auth.identity import Identity
from chalicelib.clock import FixedClock
from chalicelib.domain import events as ev
from chalicelib.domain.vocabulary import Action, ReplyOutcome
from chalicelib.settings import Settings
from tests.reminders.sweep_support import T0, World, utc

Steps = Callable[[World, Identity, str], None]


@pytest.fixture
def world(settings: Settings, clock: FixedClock) -> World:
    return World.in_memory(settings, clock)


def nothing(world: World, who: Identity, contact: str) -> None:
    """The contact was just added."""


def intro(world: World, who: Identity, contact: str) -> None:
    world.step(who, contact, ev.IntroductionRequested(via="Prof. Lee"))


def outreach(world: World, who: Identity, contact: str) -> None:
    world.step(who, contact, ev.OutreachSent())


def followed_up(world: World, who: Identity, contact: str) -> None:
    outreach(world, who, contact)
    world.at(utc("2026-12-08T10:00")).step(who, contact, ev.FollowUpSent())


def accepted(world: World, who: Identity, contact: str) -> None:
    outreach(world, who, contact)
    world.at(T0 + timedelta(hours=1))
    world.step(who, contact, ev.ReplyReceived(outcome=ReplyOutcome.ACCEPTED))


def scheduled(starts_at: str, *, prepared: bool = False) -> Steps:
    def steps(world: World, who: Identity, contact: str) -> None:
        accepted(world, who, contact)
        world.at(T0 + timedelta(hours=2))
        world.step(who, contact, ev.InterviewScheduled(starts_at=utc(starts_at)))
        if prepared:
            world.step(who, contact, ev.QuestionsPrepared(questions=["How did you start?"]))

    return steps


def interviewed(world: World, who: Identity, contact: str) -> None:
    scheduled("2026-12-03T15:00", prepared=True)(world, who, contact)
    # Logged late: the interview still ended at its scheduled end, 15:30.
    world.at(utc("2026-12-03T16:00")).step(who, contact, ev.InterviewCompleted())


def thanked(world: World, who: Identity, contact: str) -> None:
    interviewed(world, who, contact)
    world.at(utc("2026-12-04T10:00")).step(who, contact, ev.ThankYouSent())


@dataclass(frozen=True)
class Rule:
    action: Action
    steps: Steps
    first_send: str
    settings: dict[str, Any] = field(default_factory=dict)
    start: datetime = T0


# Reminder hour 9 in UTC unless said otherwise. T0 is Thursday 26 November 2026, 14:00 UTC.
RULES = {
    "reach out: due at 14:00, waits for the next morning": Rule(
        Action.REACH_OUT, nothing, "2026-11-27T09:00"
    ),
    "reach out after an unanswered introduction request: 7 business days": Rule(
        Action.REACH_OUT, intro, "2026-12-08T09:00"
    ),
    "follow up: 7 business days skip both weekends (Thu 26 -> Mon 7)": Rule(
        Action.FOLLOW_UP, outreach, "2026-12-08T09:00"
    ),
    "follow up after 2 business days: Thu 14:00 -> Mon 14:00 over the weekend, sent Tue": Rule(
        Action.FOLLOW_UP,
        outreach,
        "2026-12-01T09:00",
        {"follow_up_after_business_days": 2},
    ),
    "move on: 7 business days after the last follow-up": Rule(
        Action.MOVE_ON, followed_up, "2026-12-18T09:00"
    ),
    "schedule the interview once they said yes": Rule(
        Action.SCHEDULE_INTERVIEW, accepted, "2026-11-27T09:00"
    ),
    "prepare questions 48 h before the interview": Rule(
        Action.PREPARE_QUESTIONS, scheduled("2026-12-03T15:00"), "2026-12-02T09:00"
    ),
    "interview-day briefing at the reminder hour of the day": Rule(
        Action.ATTEND_INTERVIEW, scheduled("2026-12-03T15:00", prepared=True), "2026-12-03T09:00"
    ),
    "briefing the day before for an interview earlier than the reminder hour": Rule(
        Action.ATTEND_INTERVIEW, scheduled("2026-12-03T08:00", prepared=True), "2026-12-02T09:00"
    ),
    "log the interview 24 h after it ended": Rule(
        Action.LOG_INTERVIEW, scheduled("2026-12-03T15:00", prepared=True), "2026-12-05T09:00"
    ),
    "send the thank-you from the end of the interview": Rule(
        Action.SEND_THANK_YOU, interviewed, "2026-12-04T09:00"
    ),
    "reflect 2 days after the interview": Rule(Action.REFLECT, interviewed, "2026-12-06T09:00"),
    "connect on LinkedIn 2 days after the thank-you": Rule(
        Action.CONNECT_LINKEDIN, thanked, "2026-12-07T09:00"
    ),
    "Tokyo: 23:00 there on Thursday, so the reminder waits for 09:00 JST Friday": Rule(
        Action.REACH_OUT, nothing, "2026-11-27T00:00", {"timezone": "Asia/Tokyo"}
    ),
    "Tokyo: business days counted on Tokyo's calendar": Rule(
        Action.FOLLOW_UP, outreach, "2026-12-08T00:00", {"timezone": "Asia/Tokyo"}
    ),
    "Los Angeles: 06:00 PST Thursday, so due Monday 06:00, sent Monday 09:00 PST": Rule(
        Action.FOLLOW_UP, outreach, "2026-12-07T17:00", {"timezone": "America/Los_Angeles"}
    ),
    "Los Angeles across the spring-forward: 09:00 PDT is 16:00 UTC, no longer 17:00": Rule(
        Action.FOLLOW_UP,
        outreach,
        "2027-03-23T16:00",
        {"timezone": "America/Los_Angeles"},
        start=utc("2027-03-11T18:00"),
    ),
    "a reminder hour after the due time: the same day": Rule(
        Action.REACH_OUT, nothing, "2026-11-26T17:00", {"reminder_hour": 17}
    ),
}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_each_reminder_goes_out_at_its_send_time_and_not_a_minute_before(
    world: World, rule: Rule
) -> None:
    who = world.user(**rule.settings)
    contact = world.at(rule.start).add(who)
    rule.steps(world, who, contact)
    first_send = utc(rule.first_send)

    early = world.sweep(first_send - timedelta(minutes=1))
    on_time = world.sweep(first_send)
    again = world.sweep(first_send + timedelta(minutes=15))

    assert rule.action not in _actions(early, contact)
    assert rule.action in _actions(on_time, contact)
    assert rule.action not in _actions(again, contact)
    recorded = [r.action for r in world.reminders_recorded(who, contact)]
    assert recorded.count(rule.action) == 1


def _actions(report: Any, contact: str) -> list[Action]:
    return [c.planned.action for c in report.sent if c.reminder.contact_id == contact]
