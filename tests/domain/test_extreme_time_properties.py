"""Whatever times a stream holds and whatever the user's settings, the fold, the agenda and the
send-time computation answer, and never raise: any aware datetime Python can hold, with any
offset it allows (±23:59, beyond any real clock), in any IANA timezone, at any reminder hour.

The histories are orders the rules allow (a stream holds what the rules let in); their times
are anything at all, as a stream written before the edge had bounds may hold.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import available_timezones

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain import events as ev
from chalicelib.domain.agenda import agenda, next_action, off_the_calendar
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.domain.fold import evolve, fold
from chalicelib.domain.moments import plannable
from chalicelib.domain.reminder_time import send_time
from chalicelib.domain.rules import check_allowed
from chalicelib.domain.state import ContactState, Envelope
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, Channel, ReplyOutcome
from tests.domain.builders import ADDED, SAMPLE

ZONES = sorted(available_timezones() | {"UTC"})
offsets = st.timedeltas(
    min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)
).map(lambda delta: timezone(timedelta(minutes=delta // timedelta(minutes=1))))
# The ends of the calendar, and the bounds the edge keeps, come up often; so does anything.
EDGES = [
    datetime.min.replace(tzinfo=UTC),
    datetime.max.replace(tzinfo=UTC),
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
    datetime(9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=14))),
    datetime(9999, 12, 30, 23, tzinfo=UTC),
    datetime(1970, 1, 1, tzinfo=UTC),
    datetime(9000, 1, 1, tzinfo=UTC),
]
moments = st.one_of(
    st.sampled_from(EDGES),
    st.datetimes(timezones=offsets),
    st.datetimes(timezones=st.just(UTC)),
)
event_datas = st.one_of(
    st.just(ev.ContactErased()),
    st.sampled_from(list(SAMPLE.values())),
    st.builds(ev.ReplyReceived, outcome=st.sampled_from(ReplyOutcome)),
    st.builds(ev.OutreachSent, channel=st.sampled_from(Channel)),
    st.builds(ev.IntroductionRequested),
    st.builds(ev.InterviewScheduled, starts_at=moments, duration_minutes=st.integers(5, 240)),
    st.builds(ev.InterviewRescheduled, starts_at=moments),
    st.builds(ev.InterviewCompleted, duration_minutes=st.none() | st.integers(5, 240)),
    st.builds(ev.ReminderSent, action=st.sampled_from(Action), due_at=moments),
)
histories = st.lists(st.tuples(event_datas, moments, moments), min_size=0, max_size=12)
any_settings = st.builds(
    UserSettings,
    timezone=st.sampled_from(ZONES),
    reminder_hour=st.integers(0, 23),
    reminders_enabled=st.booleans(),
    follow_up_after_business_days=st.integers(1, 30),
    max_follow_ups=st.integers(0, 5),
)


def _recorded(
    added_at: datetime, steps: list[tuple[ev.EventData, datetime, datetime]]
) -> list[Envelope]:
    """The contact added, then each step the rules allow in that order, at its odd times."""
    state = ContactState(contact_id="c-1")
    recorded: list[Envelope] = []
    for data, occurred, written in [(ADDED, added_at, added_at), *steps]:
        try:
            check_allowed(state, data)
        except StepNotAllowedError:
            continue
        envelope = Envelope(len(recorded) + 1, data, occurred, written, "user-1")
        state = evolve(state, envelope)
        recorded.append(envelope)
    return recorded


@settings(
    max_examples=400,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(added_at=moments, steps=histories, user=any_settings, now=moments)
def test_the_fold_agenda_and_send_times_never_raise_whatever_the_times_and_settings(
    added_at: datetime,
    steps: list[tuple[ev.EventData, datetime, datetime]],
    user: UserSettings,
    now: datetime,
) -> None:
    state = fold("c-1", _recorded(added_at, steps), owner_id="user-1")

    planned = agenda(state, user)
    next_action(state, user, now)
    off_the_calendar(state)

    assert list(planned) == sorted(planned)
    for item in planned:
        assert plannable(item.due_at)
        assert send_time(item, user).utcoffset() == timedelta(0)
