"""Properties of the fold over random histories: whatever the user does, the state stays sane."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain import events as ev
from chalicelib.domain.agenda import agenda, next_action
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.domain.fold import evolve, fold
from chalicelib.domain.rules import check_allowed
from chalicelib.domain.state import ContactState, Envelope
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, Channel, ReplyOutcome, Status
from tests.domain.builders import ADDED, SAMPLE, T0

_starts = st.integers(min_value=0, max_value=24 * 60).map(lambda h: T0 + timedelta(hours=h))

event_datas = st.one_of(
    st.just(ADDED),
    st.just(ev.ContactErased()),
    st.sampled_from(list(SAMPLE.values())),
    st.builds(ev.ReplyReceived, outcome=st.sampled_from(ReplyOutcome)),
    st.builds(ev.OutreachSent, channel=st.sampled_from(Channel)),
    st.builds(ev.InterviewScheduled, starts_at=_starts, duration_minutes=st.integers(5, 240)),
    st.builds(ev.InterviewRescheduled, starts_at=_starts),
    st.builds(ev.InterviewCompleted, duration_minutes=st.none() | st.integers(5, 240)),
    st.builds(ev.ReminderSent, action=st.sampled_from(Action), due_at=_starts),
)
histories = st.lists(
    st.tuples(st.integers(min_value=0, max_value=5 * 24 * 60), event_datas),
    min_size=1,
    max_size=25,
).map(lambda steps: [(ADDED if i == 0 else d, gap) for i, (gap, d) in enumerate(steps)])
user_settings = st.builds(
    UserSettings,
    timezone=st.sampled_from(["UTC", "Asia/Tokyo", "America/Los_Angeles", "America/New_York"]),
    follow_up_after_business_days=st.integers(1, 30),
    max_follow_ups=st.integers(0, 5),
)


def _apply_allowed(steps: list[tuple[ev.EventData, int]]) -> tuple[ContactState, list[Envelope]]:
    """Records each step the rules accept, minutes apart, as the API would; skips the rest."""
    state = ContactState(contact_id="c-1")
    applied: list[Envelope] = []
    when = T0
    for data, gap in steps:
        when += timedelta(minutes=gap)
        try:
            check_allowed(state, data)
        except StepNotAllowedError:
            continue
        envelope = Envelope(len(applied) + 1, data, when, when, "user-1")
        state = evolve(state, envelope)
        applied.append(envelope)
    return state, applied


@settings(max_examples=300, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=histories, user=user_settings, probes=st.lists(st.integers(-60, 90), max_size=6))
def test_any_allowed_history_folds_deterministically_into_a_sane_state(
    steps: list[tuple[ev.EventData, int]], user: UserSettings, probes: list[int]
) -> None:
    state, applied = _apply_allowed(steps)

    assert fold("c-1", applied) == state
    assert fold("c-1", applied) == fold("c-1", list(applied))
    assert state.version == len(applied)
    assert isinstance(state.status, Status)  # the first step is always the contact being added
    assert [e.version for e in applied] == list(range(1, len(applied) + 1))

    planned = agenda(state, user)
    assert list(planned) == sorted(planned)
    for item in planned:
        assert item.due_at.utcoffset() is not None
        assert item.expires_at is None or item.expires_at > item.due_at
    for days in probes:
        found = next_action(state, user, now=T0 + timedelta(days=days))
        assert found is None or found.due_at.utcoffset() is not None


@settings(max_examples=100, database=None)
@given(steps=histories, split=st.integers(0, 25))
def test_folding_in_two_parts_gives_the_same_state_as_folding_at_once(
    steps: list[tuple[ev.EventData, int]], split: int
) -> None:
    state, applied = _apply_allowed(steps)

    head = fold("c-1", applied[:split])
    for envelope in applied[split:]:
        head = evolve(head, envelope)

    assert head == state


@settings(max_examples=100, database=None)
@given(steps=histories)
def test_a_closed_contact_never_has_anything_to_do(steps: list[tuple[ev.EventData, int]]) -> None:
    state, _ = _apply_allowed(steps)

    if state.status in (Status.ARCHIVED, Status.DECLINED):
        assert agenda(state, UserSettings()) == ()
