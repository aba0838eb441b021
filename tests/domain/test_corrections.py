"""Corrections are events: undo the latest step, reopen a contact set aside, snooze what is due.
And the list of what may come next is the rules' own answer, never a copy of them."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given as for_all
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chalicelib.domain import events as ev
from chalicelib.domain.agenda import agenda, next_action
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.domain.fold import evolve, fold
from chalicelib.domain.rules import aimed, allowed_steps, check_allowed
from chalicelib.domain.state import ContactState, Envelope
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, Status
from tests.domain.builders import (
    ACCEPTED,
    ADDED,
    ARCHIVED,
    COMPLETED,
    DECLINED,
    FOLLOW_UP,
    HOUR,
    OUTREACH,
    PATH_TO,
    SAMPLE,
    SCHEDULED,
    T0,
    envelopes,
    given,
    utc,
)

DEFAULTS = UserSettings()
RETRACT = ev.StepRetracted()
REOPEN = ev.ContactReopened(reason="They wrote back")
# Every client step, the corrections included, as a valid example.
EVERY_STEP: dict[str, ev.EventData] = {
    **SAMPLE,
    "step_retracted": RETRACT,
    "contact_reopened": REOPEN,
    "reminder_snoozed": ev.ReminderSnoozed(until=T0 + timedelta(days=30)),
}
# Fields of the state that say what it is, not how it got there.
HISTORY = {"version", "updated_at", "previous", "step_version", "retracted", "reminders_sent"}


def _meaning(state: ContactState) -> dict[str, Any]:
    return {f.name: getattr(state, f.name) for f in fields(state) if f.name not in HISTORY}


def _then(
    state: ContactState, data: ev.EventData, hours: int = 1, stream: list[Envelope] | None = None
) -> ContactState:
    """One more step after `state`, `hours` after its last, as the command records it (and
    appended to `stream`, when given)."""
    at = (state.updated_at or T0) + timedelta(hours=hours)
    check_allowed(state, data, at, DEFAULTS)
    recorded = aimed(state, data, DEFAULTS, at)
    envelope = Envelope(state.version + 1, recorded, at, at, "user-1")
    if stream is not None:
        stream.append(envelope)
    return evolve(state, envelope)


def test_every_client_step_has_an_example() -> None:
    assert set(EVERY_STEP) == set(ev.CLIENT_EVENT_TYPES)


@pytest.mark.parametrize("status", list(Status))
def test_allowed_steps_is_exactly_what_the_rules_accept_in_every_status(status: Status) -> None:
    state = given(*PATH_TO[status])
    at = T0 + timedelta(days=60)  # after the interview of every path

    listed = allowed_steps(state, DEFAULTS, at)

    for name, data in EVERY_STEP.items():
        try:
            check_allowed(state, data, at, DEFAULTS)
        except StepNotAllowedError:
            assert name not in listed, name
        else:
            assert name in listed, name
    assert len(listed) == len(set(listed))


def test_allowed_steps_come_in_the_order_a_person_takes_them() -> None:
    state = given(ADDED, OUTREACH)

    assert allowed_steps(state, DEFAULTS, T0 + HOUR * 3) == [
        "introduction_requested",
        "outreach_sent",
        "follow_up_sent",
        "reply_received",
        "interview_scheduled",
        "research_noted",
        "questions_prepared",
        "contact_updated",
        "reminder_snoozed",
        "contact_archived",
        "step_retracted",
    ]


def test_an_erased_or_missing_contact_allows_nothing() -> None:
    assert allowed_steps(ContactState(contact_id="c-1"), DEFAULTS, T0) == []
    assert allowed_steps(given(ADDED, ev.ContactErased()), DEFAULTS, T0) == []


def test_an_interview_is_not_listed_as_loggable_before_it_starts() -> None:
    state = given(*PATH_TO[Status.SCHEDULED])
    starts = utc("2026-03-12T15:00")

    assert "interview_completed" not in allowed_steps(state, DEFAULTS, starts - HOUR)
    assert "interview_completed" in allowed_steps(state, DEFAULTS, starts)
    with pytest.raises(StepNotAllowedError, match=r"starts Thu 12 Mar 15:00 UTC.*reschedule"):
        check_allowed(state, COMPLETED, starts - HOUR, DEFAULTS)


def test_a_follow_up_beyond_max_follow_ups_is_refused_naming_the_setting() -> None:
    state = given(ADDED, OUTREACH, FOLLOW_UP)

    with pytest.raises(StepNotAllowedError, match=r"1 follow-up.*max_follow_ups is 1"):
        check_allowed(state, FOLLOW_UP, T0 + HOUR * 5, DEFAULTS)
    assert "follow_up_sent" not in allowed_steps(state, DEFAULTS, T0 + HOUR * 5)
    patient = UserSettings(max_follow_ups=2)
    check_allowed(state, FOLLOW_UP, T0 + HOUR * 5, patient)
    with pytest.raises(StepNotAllowedError, match="max_follow_ups is 0"):
        check_allowed(
            given(ADDED, OUTREACH), FOLLOW_UP, T0 + HOUR * 5, UserSettings(max_follow_ups=0)
        )


# --- step_retracted ---------------------------------------------------------------------


def test_undo_takes_back_the_latest_step_and_repeats() -> None:
    added = given(ADDED)
    scheduled = given(ADDED, OUTREACH, ACCEPTED, SCHEDULED)

    once = _then(scheduled, RETRACT)
    assert once.status is Status.REACHING_OUT
    assert once.reply is not None
    assert once.interview is None
    assert once.version == scheduled.version + 1
    assert once.retracted == {4}
    twice = _then(once, RETRACT)
    assert twice.reply is None
    assert twice.status is Status.REACHING_OUT
    thrice = _then(twice, RETRACT)
    assert _meaning(thrice) == _meaning(added)
    assert thrice.retracted == {2, 3, 4}
    with pytest.raises(StepNotAllowedError, match="no step to undo"):
        check_allowed(thrice, RETRACT, T0 + timedelta(days=1), DEFAULTS)
    assert "step_retracted" not in allowed_steps(thrice, DEFAULTS, T0 + timedelta(days=1))


def test_a_new_step_after_an_undo_is_the_next_one_undone() -> None:
    state = _then(_then(given(ADDED, OUTREACH), RETRACT), ev.IntroductionRequested())

    undone = _then(state, RETRACT)

    assert undone.status is Status.IDENTIFIED
    assert undone.intro_requested_at is None
    assert undone.outreaches_sent == 0
    assert undone.retracted == {2, 4}


def test_undo_keeps_the_reminders_that_went_out() -> None:
    state = given(ADDED, OUTREACH)
    due = agenda(state, DEFAULTS)[0]
    reminded = evolve(
        state,
        Envelope(3, ev.ReminderSent(action=due.action, due_at=due.due_at), T0, T0 + HOUR * 9),
    )

    undone = _then(reminded, RETRACT)

    assert undone.status is Status.IDENTIFIED
    assert (due.action, due.due_at) in undone.reminders_sent
    assert undone.updated_at is not None
    assert undone.updated_at > reminded.updated_at


def test_undo_of_an_archive_brings_the_contact_back() -> None:
    assert _then(given(ADDED, OUTREACH, ARCHIVED), RETRACT).status is Status.REACHING_OUT


def test_a_stream_with_a_retraction_and_nothing_to_undo_still_folds() -> None:
    # The rules never record one, but the fold trusts the stream: only the version moves.
    state = fold("c-1", envelopes(ADDED, RETRACT))

    assert (state.status, state.version, state.retracted) == (Status.IDENTIFIED, 2, frozenset())


# --- contact_reopened -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "back"),
    [
        ((ADDED, ARCHIVED), Status.IDENTIFIED),
        ((ADDED, OUTREACH, ARCHIVED), Status.REACHING_OUT),
        ((*PATH_TO[Status.REFLECTED], ARCHIVED), Status.REFLECTED),
        ((ADDED, OUTREACH, DECLINED), Status.REACHING_OUT),
        ((ADDED, OUTREACH, DECLINED, ARCHIVED), Status.DECLINED),
    ],
)
def test_reopening_returns_to_the_status_before(
    steps: tuple[ev.EventData, ...], back: Status
) -> None:
    assert _then(given(*steps), REOPEN).status is back


def test_a_declined_contact_reopened_can_say_yes_and_still_counts_as_replied() -> None:
    reopened = _then(given(ADDED, OUTREACH, DECLINED), REOPEN, hours=24 * 30)

    assert reopened.replied
    assert reopened.reply is None
    accepted = _then(reopened, ACCEPTED)
    assert (
        next_action(accepted, DEFAULTS, T0 + timedelta(days=31)).action is Action.SCHEDULE_INTERVIEW
    )  # type: ignore[union-attr]


def test_a_reopened_contact_is_due_from_the_reopening_not_from_months_ago() -> None:
    reopened = _then(given(ADDED, OUTREACH, DECLINED), REOPEN, hours=24 * 60)
    assert reopened.reopened_at is not None

    planned = next_action(reopened, DEFAULTS, reopened.reopened_at)

    assert planned is not None
    assert planned.action is Action.FOLLOW_UP
    assert planned.due_at > reopened.reopened_at


@pytest.mark.parametrize(
    "status", [s for s in Status if s not in (Status.ARCHIVED, Status.DECLINED)]
)
def test_only_an_archived_or_declined_contact_reopens(status: Status) -> None:
    with pytest.raises(StepNotAllowedError, match="archived or declined"):
        check_allowed(given(*PATH_TO[status]), REOPEN, T0, DEFAULTS)


# --- reminder_snoozed -------------------------------------------------------------------


def test_a_snooze_puts_off_the_next_action_until_the_time_given() -> None:
    state = given(ADDED, OUTREACH)
    before = next_action(state, DEFAULTS, T0 + HOUR * 2)
    assert before is not None
    until = before.due_at + timedelta(days=3)

    snoozed = _then(state, ev.ReminderSnoozed(until=until))

    after = next_action(snoozed, DEFAULTS, T0 + HOUR * 3)
    assert after is not None
    assert (after.action, after.due_at) == (before.action, until)


def test_a_snooze_earlier_than_the_due_time_changes_nothing() -> None:
    state = given(ADDED, OUTREACH)
    before = next_action(state, DEFAULTS, T0)
    assert before is not None

    snoozed = _then(state, ev.ReminderSnoozed(until=T0 + HOUR * 5))

    assert next_action(snoozed, DEFAULTS, T0 + HOUR * 6) == before


def test_a_new_next_action_is_not_snoozed() -> None:
    state = given(ADDED, OUTREACH)
    snoozed = _then(state, ev.ReminderSnoozed(until=T0 + timedelta(days=40)))
    replied = _then(snoozed, ACCEPTED)

    planned = next_action(replied, DEFAULTS, T0 + timedelta(days=1))

    assert planned is not None
    assert planned.action is Action.SCHEDULE_INTERVIEW
    assert planned.due_at < T0 + timedelta(days=2)


def test_the_snooze_records_which_action_it_puts_off() -> None:
    state = given(ADDED, OUTREACH)
    at = T0 + HOUR * 2
    recorded = aimed(state, ev.ReminderSnoozed(until=T0 + timedelta(days=20)), DEFAULTS, at)

    assert isinstance(recorded, ev.ReminderSnoozed)
    planned = next_action(state, DEFAULTS, at)
    assert planned is not None
    assert (recorded.action, recorded.due_at) == (planned.action, planned.due_at)


def test_a_snooze_that_names_an_action_not_open_is_refused() -> None:
    state = given(ADDED, OUTREACH)
    wrong = ev.ReminderSnoozed(until=T0 + timedelta(days=3), action=Action.SEND_THANK_YOU)

    with pytest.raises(StepNotAllowedError, match="no “send thank you” open"):
        aimed(state, wrong, DEFAULTS, T0 + HOUR * 2)


def test_snoozing_again_replaces_the_snooze_and_undo_removes_it() -> None:
    state = given(ADDED, OUTREACH)
    first = _then(state, ev.ReminderSnoozed(until=T0 + timedelta(days=20)))
    second = _then(first, ev.ReminderSnoozed(until=T0 + timedelta(days=30)))

    assert len(second.snoozes) == 1
    assert next_action(second, DEFAULTS, T0 + timedelta(days=1)).due_at == T0 + timedelta(days=30)  # type: ignore[union-attr]
    undone = _then(second, RETRACT)
    assert next_action(undone, DEFAULTS, T0 + timedelta(days=1)).due_at == T0 + timedelta(days=20)  # type: ignore[union-attr]


def test_nothing_to_snooze_once_the_contact_has_nothing_due() -> None:
    state = given(*PATH_TO[Status.REFLECTED], ev.LinkedinConnected())

    assert agenda(state, DEFAULTS) == ()
    assert "reminder_snoozed" not in allowed_steps(state, DEFAULTS, T0 + timedelta(days=30))


# --- all of them, at random -------------------------------------------------------------


@hypothesis_settings(max_examples=300, deadline=None)
@for_all(st.lists(st.tuples(st.integers(0, 17), st.integers(1, 72)), max_size=40))
def test_any_mix_of_steps_and_corrections_undone_returns_to_the_added_contact(
    picks: list[tuple[int, int]],
) -> None:
    added = given(ADDED)
    stream = envelopes(ADDED)
    state = added
    for pick, hours in picks:
        at = (state.updated_at or T0) + timedelta(hours=hours)
        offered = allowed_steps(state, DEFAULTS, at)  # never empty: contact_updated at least
        data = EVERY_STEP[offered[pick % len(offered)]]
        if isinstance(data, ev.ReminderSnoozed):
            data = ev.ReminderSnoozed(until=at + timedelta(days=3))
        state = _then(state, data, hours, stream)
        # What a command computes step by step is what a fold of the stream gives.
        assert _meaning(fold("c-1", stream)) == _meaning(state)
    while state.previous is not None:
        state = _then(state, RETRACT, stream=stream)

    assert _meaning(state) == _meaning(added)
    assert next_action(state, DEFAULTS, T0) == next_action(added, DEFAULTS, T0)
