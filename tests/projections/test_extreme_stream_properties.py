"""Whatever times the stored streams hold and whatever the user's settings, the projector
answers every batch without an exception escaping, projects every contact it can exactly as a
fresh fold does, and a contact it cannot project never stops the others: not in its batch, not
its user's settings change, and not its user's sweep.

Stored times are UTC, any Python can hold (the store keeps `occurred_at` and `recorded_at` as
UTC text); times inside event data are whatever text an older client sent, any offset included.
A few contacts are poisoned with an event that no longer parses. One ordinary contact, due to
be reached out to, is the witness: its reminder must go out whatever its neighbours hold.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import available_timezones

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chalicelib.domain.reminder_time import next_window_start
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action
from chalicelib.eventstore.port import NewEvent
from chalicelib.projections.replay import expectation
from tests.projections.extreme_streams import NOW, POISON, added, settings_record, store, world

ZONES = sorted(available_timezones() | {"UTC"})
WEEK_AGO = NOW - timedelta(days=7)
YEAR_1 = datetime(1, 1, 1, tzinfo=UTC)
BEHIND = UserSettings(email="ada@example.com", timezone="America/New_York")
IN_9999 = "9999-12-31T23:00:00-14:00"
STORED_EDGES = [
    datetime.min.replace(tzinfo=UTC),
    datetime.max.replace(tzinfo=UTC),
    datetime(9999, 12, 30, 23, tzinfo=UTC),
    datetime(1970, 1, 1, tzinfo=UTC),
]
# Recent times too, so that odd contacts are often due in the sweep beside the witness.
RECENT = (datetime(2026, 1, 1), datetime(2026, 11, 27))
stored_times = st.one_of(
    st.sampled_from(STORED_EDGES),
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(*RECENT, timezones=st.just(UTC)),
)
offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
sent_times = st.one_of(
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-14:00"]),
    st.datetimes(timezones=offsets).map(datetime.isoformat),
)


def _event(kind: str, at: datetime, sent: str) -> NewEvent:
    kinds: dict[str, tuple[str, dict[str, Any]]] = {
        "outreach": ("outreach_sent", {"channel": "email", "message": None}),
        "intro": ("introduction_requested", {"via": None}),
        "accepted": ("reply_received", {"outcome": "accepted"}),
        "schedule": ("interview_scheduled", {"starts_at": sent, "duration_minutes": 30}),
        "reschedule": ("interview_rescheduled", {"starts_at": sent}),
        "complete": ("interview_completed", {"notes": None, "duration_minutes": None}),
        "thanks": ("thank_you_sent", {"channel": "email"}),
        "reminded": ("reminder_sent", {"action": "follow_up", "due_at": sent}),
    }
    event_type, data = kinds[kind]
    return NewEvent(event_type, data, at)


# One ordinary way forward per status, so a stream is one the rules let in, at odd times.
COMPLETED = ["outreach", "accepted", "schedule", "complete"]
ACCEPTED = ["outreach", "accepted"]
PATHS = [
    [],
    ["outreach"],
    ACCEPTED,
    COMPLETED,
    ["intro"],
    ["outreach", "accepted", "schedule"],
    ["outreach", "accepted", "schedule", "reschedule"],
    ["outreach", "accepted", "schedule", "complete", "thanks"],
    ["outreach", "reminded"],
]
contacts = st.lists(
    st.tuples(
        st.sampled_from(PATHS),
        st.lists(st.tuples(stored_times, sent_times), min_size=9, max_size=9),
        st.booleans(),  # poisoned
    ),
    min_size=1,
    max_size=5,
)
any_settings = st.builds(
    UserSettings,
    email=st.just("ada@example.com"),
    timezone=st.sampled_from(ZONES),
    reminder_hour=st.integers(0, 23),
    follow_up_after_business_days=st.integers(1, 30),
    max_follow_ups=st.integers(0, 5),
)


@settings(
    max_examples=80,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(odd=contacts, user=any_settings, seed=st.integers(0, 2**16))
# The shapes that once broke a whole user: an interview in 9999 logged as done last week (the
# thank-you email would show its end), and an outreach dated year 1 a reply made due again.
@example(odd=[(COMPLETED, [(WEEK_AGO, IN_9999)] * 9, False)], user=BEHIND, seed=0)
@example(
    odd=[(ACCEPTED, [(YEAR_1, IN_9999)] * 2 + [(WEEK_AGO, IN_9999)] * 7, False)],
    user=BEHIND,
    seed=0,
)
def test_odd_stored_times_and_any_settings_never_stop_the_other_contacts(
    odd: list[tuple[list[str], list[tuple[datetime, str]], bool]],
    user: UserSettings,
    seed: int,
) -> None:
    services = world()
    services.settings_repository.put("acme", "ada", user)
    records = store(services, "witness", added("Witness", NOW - timedelta(days=1)))
    poisoned: set[str] = set()
    for n, (path, times, poison) in enumerate(odd):
        contact = f"odd-{n}"
        (first, _), *rest = times
        history = [added(at=first)] + [
            _event(kind, at, sent) for kind, (at, sent) in zip(path, rest, strict=False)
        ]
        if poison:
            history.append(POISON)
            poisoned.add(contact)
        records += store(services, contact, *history)
    records.append(settings_record())
    random.Random(seed).shuffle(records)

    answer = services.projector.handle({"Records": records})

    assert answer == {"batchItemFailures": []}
    found = services.view_store.snapshot()
    expected = expectation(services.adapters.events_snapshot(), 4, found)
    assert {stream.contact_id for stream in expected.unprojectable} == poisoned
    assert found == expected.models
    assert {contact for (_, _, contact) in found.views} == {"witness"} | {
        f"odd-{n}" for n in range(len(odd))
    } - poisoned

    # In the user's reminder window: reminders never leave outside it.
    report = services.reminder_sweep.run(next_window_start(NOW + timedelta(days=2), user))

    assert report.errors == 0
    assert ("witness", Action.REACH_OUT) in [
        (c.reminder.contact_id, c.planned.action) for c in report.sent
    ]
