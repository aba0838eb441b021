"""Which step is allowed when: API.md's "Steps (events)" table, tried in every status."""

from __future__ import annotations

import pytest

from chalicelib.domain import events as ev
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.domain.fold import evolve
from chalicelib.domain.rules import check_allowed
from chalicelib.domain.state import ContactState, Envelope
from chalicelib.domain.vocabulary import Action, Status
from tests.domain.builders import (
    ACCEPTED,
    ADDED,
    CANCELLED,
    COMPLETED,
    DECLINED,
    FOLLOW_UP,
    INTRO,
    LINKEDIN,
    OUTREACH,
    PATH_TO,
    SAMPLE,
    SCHEDULED,
    T0,
    THANKS,
    given,
)

S = Status
OPEN = frozenset(S) - {S.ARCHIVED, S.DECLINED}

# API.md, "Steps (events)": the statuses in which each step is allowed, copied from the table.
ALLOWED_BY_API: dict[str, frozenset[Status]] = {
    "introduction_requested": frozenset({S.IDENTIFIED, S.REACHING_OUT}),
    "outreach_sent": frozenset({S.IDENTIFIED, S.REACHING_OUT}),
    "follow_up_sent": frozenset({S.REACHING_OUT}),
    "reply_received": frozenset({S.REACHING_OUT}),
    "interview_scheduled": frozenset({S.IDENTIFIED, S.REACHING_OUT}),
    "interview_rescheduled": frozenset({S.SCHEDULED}),
    "interview_cancelled": frozenset({S.SCHEDULED}),
    "research_noted": OPEN,
    "questions_prepared": OPEN,
    "interview_completed": frozenset({S.SCHEDULED}),
    "thank_you_sent": frozenset({S.INTERVIEWED}),
    "linkedin_connected": frozenset({S.INTERVIEWED, S.FOLLOWED_UP, S.REFLECTED}),
    "reflection_recorded": frozenset({S.INTERVIEWED, S.FOLLOWED_UP}),
    "contact_updated": frozenset(S) - {S.ARCHIVED},
    "contact_archived": frozenset(S) - {S.ARCHIVED},
}

# The step a user has skipped when they try one too early in the pipeline.
COMES_FIRST: dict[str, str] = {
    "follow_up_sent": "outreach_sent",
    "reply_received": "outreach_sent",
    "interview_rescheduled": "interview_scheduled",
    "interview_cancelled": "interview_scheduled",
    "interview_completed": "interview_scheduled",
    "thank_you_sent": "interview_completed",
    "linkedin_connected": "interview_completed",
    "reflection_recorded": "interview_completed",
}

PIPELINE = [S.IDENTIFIED, S.REACHING_OUT, S.SCHEDULED, S.INTERVIEWED, S.FOLLOWED_UP, S.REFLECTED]

CASES = [(step, status) for step in ALLOWED_BY_API for status in S]
REFUSED = [(step, status) for step, status in CASES if status not in ALLOWED_BY_API[step]]
ACCEPTED_CASES = [(step, status) for step, status in CASES if status in ALLOWED_BY_API[step]]


def _too_early(step: str, status: Status) -> bool:
    """True when the status comes before every status the step is allowed in."""
    if status not in PIPELINE:
        return False
    allowed = [PIPELINE.index(s) for s in ALLOWED_BY_API[step] if s in PIPELINE]
    return PIPELINE.index(status) < min(allowed)


# v1.1's corrections are allowed by what the contact holds, not by its status alone: see
# test_corrections.py.
CORRECTIONS = {"step_retracted", "contact_reopened", "reminder_snoozed"}


def test_the_table_covers_every_step_a_client_may_record() -> None:
    assert set(ALLOWED_BY_API) | CORRECTIONS == set(ev.CLIENT_EVENT_TYPES)
    assert set(ALLOWED_BY_API) == set(SAMPLE)


def test_each_built_state_is_in_the_status_it_is_named_for() -> None:
    for status, steps in PATH_TO.items():
        assert given(*steps).status is status


@pytest.mark.parametrize(("step", "status"), REFUSED, ids=[f"{a}-in-{b}" for a, b in REFUSED])
def test_a_step_the_table_does_not_allow_is_refused_with_a_reason(
    step: str, status: Status
) -> None:
    state = given(*PATH_TO[status])

    with pytest.raises(StepNotAllowedError) as refused:
        check_allowed(state, SAMPLE[step])

    message = str(refused.value)
    assert message.strip()
    assert status.value in message
    if _too_early(step, status):
        assert COMES_FIRST[step] in message


@pytest.mark.parametrize(
    ("step", "status"), ACCEPTED_CASES, ids=[f"{a}-in-{b}" for a, b in ACCEPTED_CASES]
)
def test_a_step_the_table_allows_is_accepted_and_folds(step: str, status: Status) -> None:
    state = given(*PATH_TO[status])

    check_allowed(state, SAMPLE[step])
    after = evolve(state, Envelope(state.version + 1, SAMPLE[step], T0, T0))

    assert after.version == state.version + 1
    assert isinstance(after.status, Status)


def test_no_step_is_allowed_before_the_contact_is_added() -> None:
    for data in SAMPLE.values():
        with pytest.raises(StepNotAllowedError, match="add the contact"):
            check_allowed(ContactState(contact_id="c-1"), data)


def test_a_contact_cannot_be_added_twice() -> None:
    with pytest.raises(StepNotAllowedError, match="already exists"):
        check_allowed(given(ADDED), ADDED)


def test_no_step_is_allowed_once_the_contact_is_erased() -> None:
    erased = given(ADDED, OUTREACH, ev.ContactErased())

    for data in (*SAMPLE.values(), ADDED):
        with pytest.raises(StepNotAllowedError):
            check_allowed(erased, data)


def test_a_follow_up_after_only_an_introduction_asks_for_an_outreach_first() -> None:
    state = given(ADDED, INTRO)

    assert state.status is S.REACHING_OUT
    with pytest.raises(StepNotAllowedError, match="outreach_sent"):
        check_allowed(state, FOLLOW_UP)


def test_no_follow_up_is_allowed_once_they_replied() -> None:
    with pytest.raises(StepNotAllowedError, match="already replied"):
        check_allowed(given(ADDED, OUTREACH, ACCEPTED), FOLLOW_UP)


def test_a_second_follow_up_is_allowed_while_there_is_no_reply() -> None:
    check_allowed(given(ADDED, OUTREACH, FOLLOW_UP), FOLLOW_UP)


def test_a_reply_is_recorded_only_once() -> None:
    with pytest.raises(StepNotAllowedError, match="accepted"):
        check_allowed(given(ADDED, OUTREACH, ACCEPTED), DECLINED)


def test_a_reply_to_an_introduction_is_allowed() -> None:
    assert given(ADDED, INTRO, ACCEPTED).status is S.REACHING_OUT


def test_after_a_cancellation_they_may_reply_again_and_be_scheduled_again() -> None:
    state = given(ADDED, OUTREACH, ACCEPTED, SCHEDULED, CANCELLED)

    check_allowed(state, DECLINED)
    check_allowed(state, SCHEDULED)
    assert given(ADDED, OUTREACH, ACCEPTED, SCHEDULED, CANCELLED, SCHEDULED).status is S.SCHEDULED


def test_an_interview_can_be_scheduled_straight_from_identified() -> None:
    assert given(ADDED, SCHEDULED).status is S.SCHEDULED


def test_linkedin_is_connected_only_once() -> None:
    state = given(ADDED, SCHEDULED, COMPLETED, LINKEDIN)

    with pytest.raises(StepNotAllowedError, match="already connected"):
        check_allowed(state, LINKEDIN)
    with pytest.raises(StepNotAllowedError, match="already connected"):
        check_allowed(given(ADDED, SCHEDULED, COMPLETED, LINKEDIN, THANKS), LINKEDIN)


def test_the_sweep_may_record_a_reminder_in_any_status_of_an_existing_contact() -> None:
    reminder = ev.ReminderSent(action=Action.FOLLOW_UP, due_at=T0)

    for steps in PATH_TO.values():
        check_allowed(given(*steps), reminder)
    with pytest.raises(StepNotAllowedError):
        check_allowed(ContactState(contact_id="c-1"), reminder)


def test_a_declined_contact_can_still_be_archived_and_remembers_where_it_was() -> None:
    state = given(ADDED, OUTREACH, DECLINED, ev.ContactArchived())

    assert (state.status, state.archived_from) == (S.ARCHIVED, S.DECLINED)
