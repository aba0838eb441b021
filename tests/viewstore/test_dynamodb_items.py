"""The views table's wire format: what each read model looks like as an item, and that
decoding gives back what was encoded (times at millisecond precision, aware UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.domain.vocabulary import Action, Status
from chalicelib.viewstore import dynamodb_items as items
from chalicelib.viewstore.model import (
    AgendaEntry,
    ContactView,
    Dashboard,
    DashboardKey,
    DueEntry,
    InterviewEntry,
    Reminder,
    ReminderKey,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PK = {"S": "T#acme#U#ada"}


def live_view() -> ContactView:
    return ContactView(
        tenant_id="acme",
        user_id="ada",
        contact_id="c-1",
        version=7,
        fingerprint="fp-9",
        status=Status.SCHEDULED,
        funnel=frozenset({"replied", "reached_out"}),
        name="Zoë Ngô",
        public={"name": "Zoë Ngô", "id": "c-1", "tags": ["b", "a"]},
        agenda=(
            AgendaEntry(T0, Action.PREPARE_QUESTIONS, T0 - timedelta(hours=1), T0 + timedelta(1)),
            AgendaEntry(T0 + timedelta(1), Action.ATTEND_INTERVIEW, T0, remind=False),
        ),
        updated_at=datetime(2026, 11, 30, 8, 15, 0, 250000, tzinfo=UTC),
        interview_starts_at=T0 + timedelta(days=1),
    )


def test_a_live_view_is_one_item_with_its_list_index_keys() -> None:
    assert items.view_item(live_view()) == {
        "PK": PK,
        "SK": {"S": "C#c-1"},
        "kind": {"S": "contact"},
        "tenant_id": {"S": "acme"},
        "user_id": {"S": "ada"},
        "contact_id": {"S": "c-1"},
        "version": {"N": "7"},
        "settings": {"S": "fp-9"},
        "status": {"S": "scheduled"},
        "funnel": {"S": '["reached_out","replied"]'},
        "name": {"S": "Zoë Ngô"},
        "public": {"S": '{"id":"c-1","name":"Zoë Ngô","tags":["b","a"]}'},
        "agenda": {
            "S": '[{"action":"prepare_questions","due_at":"2026-12-01T09:00:00Z",'
            '"expires_at":"2026-12-02T09:00:00Z","remind":true,"send_at":"2026-12-01T08:00:00Z"},'
            '{"action":"attend_interview","due_at":"2026-12-02T09:00:00Z","expires_at":null,'
            '"remind":false,"send_at":"2026-12-01T09:00:00Z"}]'
        },
        "updated_at": {"S": "2026-11-30T08:15:00.250Z"},
        "gsi1pk": PK,
        "gsi1sk": {"S": "2026-11-30T08:15:00.250000Z#c-1"},
        "gsi2pk": {"S": "T#acme#U#ada#S#scheduled"},
        "gsi2sk": {"S": "2026-11-30T08:15:00.250000Z#c-1"},
        "starts_at": {"S": "2026-12-02T09:00:00Z"},
    }


def test_a_view_without_an_interview_has_no_start_time() -> None:
    item = items.view_item(ContactView("acme", "ada", "c-1", 1, "fp", status=Status.IDENTIFIED))

    assert "starts_at" not in item
    assert not {"gsi1pk", "gsi2pk", "updated_at"} & set(item)


def test_a_tombstone_keeps_only_its_identity_and_version() -> None:
    gone = ContactView("acme", "ada", "c-1", 9, fingerprint="fp-9", erased=True, name="Zoë")

    assert items.view_item(gone) == {
        "PK": PK,
        "SK": {"S": "C#c-1"},
        "kind": {"S": "contact"},
        "tenant_id": {"S": "acme"},
        "user_id": {"S": "ada"},
        "contact_id": {"S": "c-1"},
        "version": {"N": "9"},
        "settings": {"S": ""},
        "erased": {"BOOL": True},
    }
    assert items.view_of(items.view_item(gone)) == ContactView("acme", "ada", "c-1", 9, erased=True)


def test_a_view_decodes_to_what_was_encoded_with_aware_utc_times() -> None:
    view = live_view()

    decoded = items.view_of(items.view_item(view))

    assert decoded == view
    assert decoded.updated_at is not None
    assert decoded.updated_at.tzinfo is UTC
    assert all(entry.due_at.tzinfo is UTC for entry in decoded.agenda)


def test_times_in_another_zone_are_written_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    view = ContactView(
        "acme", "ada", "c-1", 1, "fp", status=Status.IDENTIFIED, updated_at=T0.astimezone(paris)
    )

    item = items.view_item(view)

    assert item["updated_at"] == {"S": "2026-12-01T09:00:00Z"}
    assert item["gsi1sk"] == {"S": "2026-12-01T09:00:00.000000Z#c-1"}
    assert items.view_of(item) == view


def test_funnel_stages_are_stored_in_funnel_order() -> None:
    funnel = frozenset({"interviewed", "replied"})
    view = ContactView("acme", "ada", "c-1", 1, funnel=funnel)

    assert items.view_item(view)["funnel"] == {"S": '["replied","interviewed"]'}
    assert items.view_of(items.view_item(view)).funnel == funnel


def reminder(shard: int | None = 3, expires_at: datetime | None = None) -> Reminder:
    key = ReminderKey("acme", "ada", "c-1", Action.FOLLOW_UP, T0 + timedelta(milliseconds=500))
    return Reminder(key, T0 - timedelta(hours=2), "Zoë", expires_at, shard)


def test_a_reminder_on_the_due_index_carries_its_due_keys() -> None:
    assert items.reminder_item(reminder(expires_at=T0 + timedelta(days=2))) == {
        "PK": PK,
        "SK": {"S": "R#c-1#follow_up#2026-12-01T09:00:00.500Z"},
        "kind": {"S": "reminder"},
        "tenant_id": {"S": "acme"},
        "user_id": {"S": "ada"},
        "contact_id": {"S": "c-1"},
        "name": {"S": "Zoë"},
        "action": {"S": "follow_up"},
        "due_at": {"S": "2026-12-01T09:00:00.500Z"},
        "send_at": {"S": "2026-12-01T07:00:00Z"},
        "expires_at": {"S": "2026-12-03T09:00:00Z"},
        "due_pk": {"S": "DUE#3"},
        "due_sk": {"S": "2026-12-01T07:00:00Z#acme#c-1#follow_up"},
    }


def test_a_reminder_off_the_due_index_has_no_due_keys() -> None:
    item = items.reminder_item(reminder(shard=None))

    assert not {"due_pk", "due_sk", "expires_at"} & set(item)


@pytest.mark.parametrize("shard", [None, 0, 3])
def test_a_reminder_decodes_to_what_was_encoded(shard: int | None) -> None:
    for original in (reminder(shard), reminder(shard, T0 + timedelta(days=2))):
        assert items.reminder_of(items.reminder_item(original)) == original


@pytest.mark.parametrize("broken", [{"action": {"S": "dance"}}, {"due_at": {"S": ""}}, {}])
def test_a_malformed_reminder_item_is_an_item_error(broken: dict[str, dict[str, str]]) -> None:
    item = items.reminder_item(reminder()) | broken
    if not broken:
        del item["send_at"]

    with pytest.raises(items.ItemError):
        items.reminder_of(item)


def dashboard(key: DashboardKey) -> Dashboard:
    return Dashboard(
        key=key,
        revision=4,
        counters={"n_scheduled": 2, "f_replied": 1},
        due=(
            DueEntry(T0, "c-1", Action.FOLLOW_UP, "Zoë", "ada"),
            DueEntry(T0, "c-2", Action.REFLECT, "Bo", "bea", T0 + timedelta(milliseconds=5)),
        ),
        interviews=(InterviewEntry(T0 + timedelta(days=1), "c-3", "Cy", "ada"),),
        more_due=True,
    )


def test_a_users_dashboard_is_one_item_in_the_users_partition() -> None:
    item = items.dashboard_item(dashboard(DashboardKey("acme", "ada")))

    assert item == {
        "PK": PK,
        "SK": {"S": "DASH"},
        "kind": {"S": "dashboard"},
        "revision": {"N": "4"},
        "dashboard": {
            "S": '{"counters":{"f_replied":1,"n_scheduled":2},'
            '"due":[["2026-12-01T09:00:00Z","c-1","follow_up","Zoë","ada",null],'
            '["2026-12-01T09:00:00Z","c-2","reflect","Bo","bea","2026-12-01T09:00:00.005Z"]],'
            '"interviews":[["2026-12-02T09:00:00Z","c-3","Cy","ada"]],'
            '"more_due":true,"more_interviews":false}'
        },
    }


def test_a_tenant_dashboard_shard_lives_in_the_tenants_partition() -> None:
    item = items.dashboard_item(dashboard(DashboardKey("acme", None, 2)))

    assert (item["PK"], item["SK"]) == ({"S": "T#acme"}, {"S": "DASH#2"})


@pytest.mark.parametrize("key", [DashboardKey("acme", "ada"), DashboardKey("acme", None, 11)])
def test_a_dashboard_decodes_to_what_was_encoded(key: DashboardKey) -> None:
    assert items.dashboard_of(items.dashboard_item(dashboard(key))) == dashboard(key)


def test_a_users_dashboard_has_no_shards() -> None:
    with pytest.raises(ValueError, match="no shards"):
        items.dashboard_key(DashboardKey("acme", "ada", 1))


def test_a_member_item_names_its_shard_and_user() -> None:
    item = items.member_item("acme", 12, "ada")

    assert item == {
        "PK": {"S": "T#acme"},
        "SK": {"S": "MEMBER#12#ada"},
        "kind": {"S": "member"},
        "user_id": {"S": "ada"},
    }
    assert items.member_of(item) == ("acme", 12, "ada")


@pytest.mark.parametrize(
    ("sk", "kind"),
    [
        ("C#c-1", "contact"),
        ("R#c-1#reach_out#2026-12-01T09:00:00Z", "reminder"),
        ("DASH", "dashboard"),
        ("DASH#3", "dashboard"),
        ("MEMBER#0#ada", "member"),
        ("CLAIM#c-1#reach_out#2026-12-01T09:00:00Z", None),
        ("SWEEP_LEASE", None),
        ("STATS", None),
    ],
)
def test_an_items_kind_is_read_from_its_sort_key(sk: str, kind: str | None) -> None:
    assert items.item_kind(items.key("T#acme", sk)) == kind
