"""What the views table holds for one contact: a pure function of its state and settings."""

from __future__ import annotations

import json

from chalicelib.domain import events as ev
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, Status
from chalicelib.projections.counters import Contribution, delta
from chalicelib.projections.projection import project, settings_fingerprint
from chalicelib.projections.write_plan import StoredView, transaction
from tests.domain.builders import (
    ACCEPTED,
    ADDED,
    OUTREACH,
    PATH_TO,
    QUESTIONS,
    SCHEDULED,
    given,
    utc,
)

DEFAULTS = UserSettings()
SHARDS = 4
TABLE = "views"


def _reminder_actions(state_steps: tuple[ev.EventData, ...], **settings: object) -> set[str]:
    projection = project("acme", given(*state_steps), UserSettings(**settings), SHARDS)
    return {item["action"]["S"] for item in projection.reminders.values()}


def test_a_view_holds_the_list_keys_and_the_public_contact_but_not_its_next_action() -> None:
    projection = project("acme", given(ADDED, OUTREACH), DEFAULTS, SHARDS)
    view = projection.view

    assert (view["PK"]["S"], view["SK"]["S"]) == ("T#acme#U#user-1", "C#c-1")
    assert view["gsi1pk"]["S"] == "T#acme#U#user-1"
    assert view["gsi2pk"]["S"] == "T#acme#U#user-1#S#reaching_out"
    assert view["gsi1sk"]["S"] == "2026-03-02T10:00:00.000000Z#c-1"
    public = json.loads(view["public"]["S"])
    assert public["name"] == "Ada Park"
    assert "next_action" not in public
    assert json.loads(view["agenda"]["S"]) == [
        {"action": "follow_up", "due_at": "2026-03-11T10:00:00Z", "expires_at": None}
    ]
    assert "iv_pk" not in view


def test_a_scheduled_interview_is_on_the_interview_indexes_and_each_step_on_the_agenda() -> None:
    projection = project("acme", given(*PATH_TO[Status.SCHEDULED]), DEFAULTS, SHARDS)
    view = projection.view

    assert view["iv_sk"]["S"] == "2026-03-12T15:00:00.000000Z#c-1"
    assert view["tiv_pk"]["S"] == "T#acme"
    assert {item["action"]["S"] for item in projection.reminders.values()} == {
        "prepare_questions",
        "attend_interview",
        "log_interview",
    }
    by_action = {item["action"]["S"]: item for item in projection.reminders.values()}
    attend = by_action["attend_interview"]
    assert attend["expires_at"]["S"] == "2026-03-12T15:30:00Z"
    assert attend["due_pk"]["S"].startswith("DUE#")
    assert attend["tagenda_pk"]["S"] == "T#acme"


def test_preparing_questions_takes_that_step_off_the_agenda() -> None:
    steps = (ADDED, OUTREACH, ACCEPTED, SCHEDULED)

    assert "prepare_questions" in _reminder_actions(steps)
    assert "prepare_questions" not in _reminder_actions((*steps, QUESTIONS))


def test_a_reminded_step_stays_on_the_agenda_but_leaves_the_due_index() -> None:
    state = given(ADDED, OUTREACH)
    due = utc("2026-03-11T10:00")
    reminded = given(ADDED, OUTREACH, ev.ReminderSent(action=Action.FOLLOW_UP, due_at=due))

    before = next(iter(project("acme", state, DEFAULTS, SHARDS).reminders.values()))
    after = next(iter(project("acme", reminded, DEFAULTS, SHARDS).reminders.values()))

    assert before["SK"] == after["SK"]
    assert "due_pk" in before
    assert "due_pk" not in after
    assert after["agenda_pk"] == before["agenda_pk"]


def test_with_reminders_off_no_step_is_on_the_due_index() -> None:
    projection = project("acme", given(ADDED), UserSettings(reminders_enabled=False), SHARDS)

    assert [item for item in projection.reminders.values() if "due_pk" in item] == []
    assert len(projection.reminders) == 1


def test_reminders_go_out_at_the_users_hour_in_their_timezone() -> None:
    tokyo = UserSettings(timezone="Asia/Tokyo", reminder_hour=8)
    projection = project("acme", given(ADDED), tokyo, SHARDS)
    item = next(iter(projection.reminders.values()))

    # Added Monday 2 March 09:00 UTC = 18:00 in Tokyo: the next 08:00 there is 23:00 UTC.
    assert item["send_at"]["S"] == "2026-03-02T23:00:00Z"
    assert item["due_sk"]["S"].startswith("2026-03-02T23:00:00Z#acme#c-1#reach_out")


def test_an_erased_contact_leaves_a_tombstone_without_personal_data_or_agenda() -> None:
    erased = given(ADDED, OUTREACH, ev.ContactErased())
    projection = project("acme", erased, DEFAULTS, SHARDS)

    assert projection.view["erased"] == {"BOOL": True}
    assert projection.reminders == {}
    assert projection.contribution == Contribution()
    assert "Ada" not in json.dumps(projection.view)
    assert not {"gsi1pk", "gsi2pk", "iv_pk", "public", "name"} & set(projection.view)


def test_the_settings_fingerprint_changes_with_any_setting() -> None:
    assert settings_fingerprint(DEFAULTS) == settings_fingerprint(UserSettings())
    assert settings_fingerprint(DEFAULTS) != settings_fingerprint(UserSettings(reminder_hour=8))


def test_counter_deltas_move_a_contact_between_statuses_and_into_the_funnel() -> None:
    before = Contribution.of(given(ADDED))
    after = Contribution.of(given(ADDED, OUTREACH, ACCEPTED))

    assert delta(before, after) == {
        "f_reached_out": 1,
        "f_replied": 1,
        "n_identified": -1,
        "n_reaching_out": 1,
    }
    assert delta(after, after) == {}
    assert delta(after, Contribution()) == {
        "f_reached_out": -1,
        "f_replied": -1,
        "n_reaching_out": -1,
    }


def test_a_first_projection_creates_the_view_its_agenda_and_both_counters_at_once() -> None:
    projection = project("acme", given(ADDED), DEFAULTS, SHARDS)

    actions = transaction(TABLE, None, projection)

    assert actions[0]["Put"]["ConditionExpression"] == "attribute_not_exists(PK)"
    assert [next(iter(a)) for a in actions] == ["Put", "Put", "Update", "Update"]
    counters = [a["Update"]["Key"]["PK"]["S"] for a in actions if "Update" in a]
    assert counters == ["T#acme#U#user-1", "T#acme"]


def test_a_later_projection_is_conditioned_on_the_view_read_and_rewrites_only_changes() -> None:
    booked = (ADDED, OUTREACH, ACCEPTED, SCHEDULED)
    first = project("acme", given(*booked), DEFAULTS, SHARDS)
    stored = StoredView.from_item(first.view)
    later = project("acme", given(*booked, QUESTIONS), DEFAULTS, SHARDS)

    actions = transaction(TABLE, stored, later)

    condition = actions[0]["Put"]
    assert condition["ConditionExpression"] == "#v = :v AND #s = :s"
    assert condition["ExpressionAttributeValues"][":v"] == {"N": "4"}
    deleted = [a["Delete"]["Key"]["SK"]["S"] for a in actions if "Delete" in a]
    assert deleted == [sk for sk in first.reminders if "prepare_questions" in sk]
    assert not [a for a in actions[1:] if "Put" in a]  # attend and log are unchanged
    assert not [a for a in actions if "Update" in a]  # still scheduled: counters stay


def test_a_stored_view_is_current_for_its_version_and_settings_only() -> None:
    projection = project("acme", given(ADDED), DEFAULTS, SHARDS)
    stored = StoredView.from_item(projection.view)
    tombstone = StoredView.from_item(
        project("acme", given(ADDED, ev.ContactErased()), DEFAULTS, SHARDS).view
    )

    assert stored.is_current(1, projection.fingerprint)
    assert not stored.is_current(2, projection.fingerprint)
    assert not stored.is_current(1, settings_fingerprint(UserSettings(reminder_hour=7)))
    assert tombstone.is_current(2, "any settings at all")
    assert stored.contribution == Contribution("identified")
