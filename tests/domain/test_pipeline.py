"""One contact walked through the guide's five steps: status and next action after each."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain.agenda import next_action
from chalicelib.domain.events import EventData
from chalicelib.domain.state import Interview
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, ReplyOutcome, Source, Status
from tests.domain.builders import (
    ACCEPTED,
    ADDED,
    COMPLETED,
    LINKEDIN,
    OUTREACH,
    QUESTIONS,
    REFLECTION,
    SCHEDULED,
    THANKS,
    USER_ID,
    given,
    utc,
)

# (step, when, status after it, next action, its due time): the default settings, in UTC.
HAPPY_PATH: list[tuple[EventData, datetime, Status, Action | None, datetime | None]] = [
    (ADDED, utc("2026-03-02T09:00"), Status.IDENTIFIED, Action.REACH_OUT, utc("2026-03-02T09:00")),
    (
        OUTREACH,
        utc("2026-03-02T10:00"),
        Status.REACHING_OUT,
        Action.FOLLOW_UP,
        utc("2026-03-11T10:00"),  # Monday + 7 weekdays = Wednesday of the next week
    ),
    (
        ACCEPTED,
        utc("2026-03-04T08:00"),
        Status.REACHING_OUT,
        Action.SCHEDULE_INTERVIEW,
        utc("2026-03-04T08:00"),
    ),
    (
        SCHEDULED,  # starts 2026-03-12 15:00 for 30 minutes
        utc("2026-03-04T09:00"),
        Status.SCHEDULED,
        Action.PREPARE_QUESTIONS,
        utc("2026-03-10T15:00"),
    ),
    (
        QUESTIONS,
        utc("2026-03-05T12:00"),
        Status.SCHEDULED,
        Action.ATTEND_INTERVIEW,
        utc("2026-03-12T15:00"),
    ),
    (
        COMPLETED,  # logged after the fact: it ended at 15:30 as scheduled
        utc("2026-03-12T16:00"),
        Status.INTERVIEWED,
        Action.SEND_THANK_YOU,
        utc("2026-03-12T15:30"),
    ),
    (THANKS, utc("2026-03-12T18:00"), Status.FOLLOWED_UP, Action.REFLECT, utc("2026-03-14T15:30")),
    (
        LINKEDIN,
        utc("2026-03-13T10:00"),
        Status.FOLLOWED_UP,
        Action.REFLECT,
        utc("2026-03-14T15:30"),
    ),
    (REFLECTION, utc("2026-03-15T10:00"), Status.REFLECTED, None, None),
]


@pytest.mark.parametrize(
    "upto", range(1, len(HAPPY_PATH) + 1), ids=[row[0].event_type for row in HAPPY_PATH]
)
def test_each_step_of_the_happy_path_sets_status_and_next_action(upto: int) -> None:
    rows = HAPPY_PATH[:upto]
    _, when, status, action, due_at = rows[-1]

    state = given(*((at, data) for data, at, *_ in rows))
    planned = next_action(state, UserSettings(), now=when)

    assert state.status is status
    assert state.version == upto
    if action is None:
        assert planned is None
    else:
        assert planned is not None
        assert (planned.action, planned.due_at) == (action, due_at)


def test_the_walked_contact_remembers_what_each_step_said() -> None:
    state = given(*((at, data) for data, at, *_ in HAPPY_PATH))

    assert (state.name, state.email, state.company) == ("Ada Park", "ada@example.com", "Acme")
    assert state.source is Source.COLD_OUTREACH
    assert state.owner_id == USER_ID
    assert state.outreaches_sent == 1
    assert state.follow_ups_sent == 0
    assert state.reply is ReplyOutcome.ACCEPTED
    assert state.interview == Interview(utc("2026-03-12T15:00"), 30, None)
    assert state.questions == ("How did you get started?",)
    assert state.prepared
    assert state.interview_notes == "Talked about platform teams."
    assert state.interview_ended_at == utc("2026-03-12T15:30")
    assert state.thank_you_sent_at == utc("2026-03-12T18:00")
    assert state.linkedin_connected_at == utc("2026-03-13T10:00")
    assert state.reflection is not None
    assert state.reflection.lessons == "Ask about the first year."
    assert state.created_at == utc("2026-03-02T09:00")
    assert state.updated_at == utc("2026-03-15T10:00")
    assert (state.reached_out, state.replied, state.interviewed) == (True, True, True)
