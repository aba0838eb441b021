"""What the read side holds for one contact: a pure function of its state and settings, and the
one write the projector makes of it (on the in-memory view store: no moto)."""

from __future__ import annotations

from chalicelib import bootstrap
from chalicelib.domain import events as ev
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, Status
from chalicelib.eventstore.port import NewEvent, StreamId
from chalicelib.projections import dashboard as dash
from chalicelib.projections.projection import project, reminders_of, settings_fingerprint
from chalicelib.settings import Settings
from chalicelib.viewstore.memory import InMemoryViewStore
from chalicelib.viewstore.model import AgendaEntry, Contribution
from chalicelib.viewstore.port import ViewWrite
from tests.domain.builders import (
    ACCEPTED,
    ADDED,
    OUTREACH,
    PATH_TO,
    QUESTIONS,
    SCHEDULED,
    T0,
    given,
    utc,
)

DEFAULTS = UserSettings()
SHARDS = 4


def _reminder_actions(state_steps: tuple[ev.EventData, ...], **settings: object) -> set[str]:
    view = project("acme", given(*state_steps), UserSettings(**settings))
    return {key.action.value for key in reminders_of(view, SHARDS)}


def test_a_view_holds_the_public_contact_and_its_agenda_but_not_its_next_action() -> None:
    view = project("acme", given(ADDED, OUTREACH), DEFAULTS)

    assert (view.tenant_id, view.user_id, view.contact_id) == ("acme", "user-1", "c-1")
    assert view.status is Status.REACHING_OUT
    assert view.updated_at == utc("2026-03-02T10:00")
    assert view.public["name"] == "Ada Park"
    assert "next_action" not in view.public
    assert view.agenda == (
        AgendaEntry(
            due_at=utc("2026-03-11T10:00"),
            action=Action.FOLLOW_UP,
            send_at=utc("2026-03-12T09:00"),
        ),
    )
    assert view.interview_starts_at is None


def test_a_scheduled_interview_is_on_the_view_and_each_step_on_the_agenda() -> None:
    view = project("acme", given(*PATH_TO[Status.SCHEDULED]), DEFAULTS)
    reminders = {key.action: reminder for key, reminder in reminders_of(view, SHARDS).items()}

    assert view.interview_starts_at == utc("2026-03-12T15:00")
    assert set(reminders) == {
        Action.PREPARE_QUESTIONS,
        Action.ATTEND_INTERVIEW,
        Action.LOG_INTERVIEW,
    }
    attend = reminders[Action.ATTEND_INTERVIEW]
    assert attend.expires_at == utc("2026-03-12T15:30")
    assert attend.due_shard is not None
    assert [e.contact_id for e in dash.interview_entries(view)] == ["c-1"]


def test_preparing_questions_takes_that_step_off_the_agenda() -> None:
    steps = (ADDED, OUTREACH, ACCEPTED, SCHEDULED)

    assert "prepare_questions" in _reminder_actions(steps)
    assert "prepare_questions" not in _reminder_actions((*steps, QUESTIONS))


def test_a_reminded_step_stays_on_the_agenda_but_leaves_the_due_index() -> None:
    due = utc("2026-03-11T10:00")
    before = reminders_of(project("acme", given(ADDED, OUTREACH), DEFAULTS), SHARDS)
    reminded = given(ADDED, OUTREACH, ev.ReminderSent(action=Action.FOLLOW_UP, due_at=due))
    after = reminders_of(project("acme", reminded, DEFAULTS), SHARDS)

    assert before.keys() == after.keys()
    assert next(iter(before.values())).due_shard is not None
    assert next(iter(after.values())).due_shard is None


def test_with_reminders_off_no_step_is_on_the_due_index() -> None:
    view = project("acme", given(ADDED), UserSettings(reminders_enabled=False))
    reminders = reminders_of(view, SHARDS)

    assert [r for r in reminders.values() if r.due_shard is not None] == []
    assert len(reminders) == 1


def test_reminders_go_out_at_the_users_hour_in_their_timezone() -> None:
    tokyo = UserSettings(timezone="Asia/Tokyo", reminder_hour=8)
    reminder = next(iter(reminders_of(project("acme", given(ADDED), tokyo), SHARDS).values()))

    # Added Monday 2 March 09:00 UTC = 18:00 in Tokyo: the next 08:00 there is 23:00 UTC.
    assert reminder.send_at == utc("2026-03-02T23:00")


def test_an_erased_contact_leaves_a_tombstone_without_personal_data_or_agenda() -> None:
    view = project("acme", given(ADDED, OUTREACH, ev.ContactErased()), DEFAULTS)

    assert view.erased
    assert view.agenda == ()
    assert reminders_of(view, SHARDS) == {}
    assert view.contribution == Contribution()
    assert "Ada" not in repr(view)


def test_the_settings_fingerprint_changes_with_any_setting() -> None:
    assert settings_fingerprint(DEFAULTS) == settings_fingerprint(UserSettings())
    assert settings_fingerprint(DEFAULTS) != settings_fingerprint(UserSettings(reminder_hour=8))


def test_counters_move_a_contact_between_statuses_and_into_the_funnel() -> None:
    before = project("acme", given(ADDED), DEFAULTS).contribution
    after = project("acme", given(ADDED, OUTREACH, ACCEPTED), DEFAULTS).contribution

    assert dash.counters_moved({"n_identified": 1}, before, after) == {
        "f_reached_out": 1,
        "f_replied": 1,
        "n_reaching_out": 1,
    }
    assert dash.counters_moved({"n_archived": 2}, after, after) == {"n_archived": 2}


class _Recording(InMemoryViewStore):
    """Keeps every write the projector commits."""

    def __init__(self) -> None:
        super().__init__(SHARDS)
        self.writes: list[ViewWrite] = []

    def commit(self, write: ViewWrite) -> None:
        self.writes.append(write)
        super().commit(write)


def _projected(*steps: ev.EventData) -> tuple[_Recording, bootstrap.Services]:
    services = bootstrap.in_memory(Settings(), sleep=lambda _: None)
    recording = _Recording()
    services.adapters.view_store = recording  # type: ignore[misc]
    stream = StreamId("acme", "c-1")
    for version, data in enumerate(steps):
        event = NewEvent(data.event_type, data.to_data(), T0, data.schema_version)
        services.event_store.append(
            stream, [event], expected_version=version, owner_id="user-1", recorded_at=T0
        )
        services.projector.project_contact("acme", "user-1", "c-1")
    return recording, services


def test_a_first_projection_writes_the_view_its_reminders_both_dashboards_and_membership() -> None:
    recording, _ = _projected(ADDED)
    [first] = recording.writes

    assert first.old is None
    assert [r.action for r in first.put_reminders] == [Action.REACH_OUT]
    assert [d.expected_revision for d in first.dashboards] == [None, None]
    assert [d.dashboard.key for d in first.dashboards] == [
        dash.user_key("acme", "user-1"),
        dash.shard_key("acme", "user-1"),
    ]
    assert first.new_members == ((dash.tenant_shard("user-1"), "user-1"),)


def test_a_later_projection_is_conditioned_on_what_it_read_and_rewrites_only_changes() -> None:
    recording, services = _projected(ADDED, OUTREACH, ACCEPTED, SCHEDULED, QUESTIONS)
    booked, prepared = recording.writes[-2:]

    assert prepared.old == booked.new
    assert [key.action for key in prepared.delete_reminders] == [Action.PREPARE_QUESTIONS]
    assert prepared.put_reminders == ()  # attend and log are unchanged
    assert [d.expected_revision for d in prepared.dashboards] == [4, 4]
    assert prepared.new_members == ()
    counts = services.view_store.get_dashboards([dash.user_key("acme", "user-1")])
    assert next(iter(counts.values())).counters == {
        "f_reached_out": 1,
        "f_replied": 1,
        "n_scheduled": 1,
    }


def test_a_stored_view_is_current_for_its_version_and_settings_only() -> None:
    view = project("acme", given(ADDED), DEFAULTS)
    tombstone = project("acme", given(ADDED, ev.ContactErased()), DEFAULTS)

    assert view.is_current(1, settings_fingerprint(DEFAULTS))
    assert not view.is_current(2, settings_fingerprint(DEFAULTS))
    assert not view.is_current(1, settings_fingerprint(UserSettings(reminder_hour=7)))
    assert tombstone.is_current(2, "any settings at all")
    assert view.contribution == Contribution("identified")
