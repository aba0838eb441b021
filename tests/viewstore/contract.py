"""One contract for every view store: the in-memory adapter and DynamoDB under moto alike.

Each store's test class subclasses `ViewStoreContract` and supplies a `store` fixture whose
due index has `SHARDS` shards.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.vocabulary import Action, Status
from chalicelib.viewstore.model import (
    AgendaEntry,
    Claim,
    ClaimState,
    ContactView,
    Dashboard,
    DashboardKey,
    DueEntry,
    InterviewEntry,
    Reminder,
    ReminderKey,
)
from chalicelib.viewstore.port import (
    DashboardWrite,
    InvalidPositionError,
    LostRaceError,
    ViewStore,
    ViewWrite,
)

SHARDS = 2
TENANT, OTHER_TENANT = "tenant-a", "tenant-b"
USER, OTHER_USER = "user-1", "user-2"
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


def at(minutes: float = 0, *, ms: int = 0) -> datetime:
    """A time near NOW, at whole seconds or milliseconds, UTC."""
    return NOW + timedelta(minutes=minutes, milliseconds=ms)


def view(
    contact_id: str = "c-1",
    *,
    tenant_id: str = TENANT,
    user_id: str = USER,
    version: int = 1,
    fingerprint: str = "fp-1",
    status: Status = Status.IDENTIFIED,
    updated_at: datetime | None = None,
    agenda: tuple[AgendaEntry, ...] = (),
    interview_starts_at: datetime | None = None,
) -> ContactView:
    return ContactView(
        tenant_id=tenant_id,
        user_id=user_id,
        contact_id=contact_id,
        version=version,
        fingerprint=fingerprint,
        status=status,
        funnel=frozenset({"reached_out"}),
        name=f"Zoë {contact_id}",
        public={"id": contact_id, "name": f"Zoë {contact_id}", "tags": ["a", None, 2.5]},
        agenda=agenda,
        updated_at=updated_at or at(-60),
        interview_starts_at=interview_starts_at,
    )


def tombstone(contact_id: str = "c-1", *, version: int = 2, user_id: str = USER) -> ContactView:
    return ContactView(TENANT, user_id, contact_id, version, erased=True)


def reminder_key(
    contact_id: str = "c-1",
    action: Action = Action.REACH_OUT,
    *,
    due_at: datetime | None = None,
    tenant_id: str = TENANT,
    user_id: str = USER,
) -> ReminderKey:
    return ReminderKey(tenant_id, user_id, contact_id, action, due_at or at(-120))


def reminder(
    contact_id: str = "c-1",
    action: Action = Action.REACH_OUT,
    *,
    send_at: datetime | None = None,
    shard: int | None = 0,
    tenant_id: str = TENANT,
    user_id: str = USER,
    expires_at: datetime | None = None,
) -> Reminder:
    key = reminder_key(contact_id, action, tenant_id=tenant_id, user_id=user_id)
    return Reminder(key, send_at or at(-60), f"Zoë {contact_id}", expires_at, shard)


def dashboard(
    tenant_id: str = TENANT, user_id: str | None = USER, *, shard: int = 0, revision: int = 1
) -> Dashboard:
    return Dashboard(
        key=DashboardKey(tenant_id, user_id, shard),
        revision=revision,
        counters={"n_identified": revision, "f_reached_out": 1},
        due=(
            DueEntry(at(-30), "c-1", Action.REACH_OUT, "Zoë c-1", USER),
            DueEntry(at(30, ms=250), "c-2", Action.FOLLOW_UP, "Ann", USER, at(90)),
        ),
        interviews=(InterviewEntry(at(24 * 60), "c-3", "Bo", USER),),
        more_due=True,
    )


def create(
    store: ViewStore,
    new: ContactView,
    *,
    put_reminders: tuple[Reminder, ...] = (),
    dashboards: tuple[DashboardWrite, ...] = (),
    new_members: tuple[tuple[int, str], ...] = (),
) -> ContactView:
    """Commits a view that must not exist yet, with whatever else moves with it."""
    write = ViewWrite(None, new, put_reminders, (), dashboards, new_members)
    store.commit(write)
    return new


class ViewStoreContract:
    """The behaviour projections, the API and the sweep rely on."""

    @pytest.fixture
    def store(self) -> ViewStore:
        raise NotImplementedError("a store's test class overrides the `store` fixture")

    # -- writing views ------------------------------------------------------------------

    def test_a_view_is_created_only_if_absent(self, store: ViewStore) -> None:
        first = create(store, view(version=1))

        with pytest.raises(LostRaceError):
            create(store, view(version=2))

        assert store.get_views(TENANT, USER, ["c-1"]) == {"c-1": first}

    def test_a_view_is_updated_only_over_the_exact_old_version_and_fingerprint(
        self, store: ViewStore
    ) -> None:
        v1 = create(store, view(version=1))
        v2 = view(version=2)
        store.commit(ViewWrite(v1, v2))

        for stale in (v1, replace(v2, fingerprint="fp-other")):
            with pytest.raises(LostRaceError):
                store.commit(ViewWrite(stale, view(version=3)))
        with pytest.raises(LostRaceError):
            store.commit(ViewWrite(view("c-9"), view("c-9", version=2)))

        assert store.get_views(TENANT, USER, ["c-1", "c-9"]) == {"c-1": v2}

    def test_a_tombstone_replaces_a_view_and_comes_back_bare(self, store: ViewStore) -> None:
        live = create(store, view(version=1))

        store.commit(ViewWrite(live, tombstone(version=2)))

        assert store.get_views(TENANT, USER, ["c-1"]) == {"c-1": tombstone(version=2)}
        with pytest.raises(LostRaceError):
            store.commit(ViewWrite(None, view(version=1)))
        store.commit(ViewWrite(tombstone(version=2), tombstone(version=3)))

    def test_a_view_comes_back_equal_to_what_was_committed(self, store: ViewStore) -> None:
        agenda = (
            AgendaEntry(at(-90), Action.REACH_OUT, at(-60)),
            AgendaEntry(at(60, ms=500), Action.PREPARE_QUESTIONS, at(60), at(120), remind=False),
        )
        written = view(
            status=Status.SCHEDULED,
            updated_at=at(-1, ms=125),
            agenda=agenda,
            interview_starts_at=at(120, ms=5),
        )
        written = replace(written, funnel=frozenset({"replied", "reached_out", "interviewed"}))

        create(store, written)

        assert store.get_views(TENANT, USER, ["c-1"])["c-1"] == written
        assert store.user_views(TENANT, USER) == {"c-1": written}

    def test_reminders_are_put_and_deleted_with_their_view(self, store: ViewStore) -> None:
        first, second = reminder("c-1", Action.REACH_OUT), reminder("c-1", Action.FOLLOW_UP)
        v1 = create(store, view(version=1), put_reminders=(first, second))
        moved = replace(first, send_at=at(-30), due_shard=None)

        store.commit(
            ViewWrite(v1, view(version=2), (moved,), delete_reminders=(second.key, first.key))
        )

        assert store.user_reminders(TENANT, USER) == [moved]

    def test_a_dashboard_revision_clash_writes_nothing_at_all(self, store: ViewStore) -> None:
        mine = dashboard(revision=1)
        v1 = create(store, view(version=1), dashboards=(DashboardWrite(None, mine),))
        r = reminder()
        for expected in (None, 0, 2):
            write = ViewWrite(
                v1,
                view(version=2),
                put_reminders=(r,),
                delete_reminders=(),
                dashboards=(
                    DashboardWrite(None, dashboard(user_id=None, shard=1)),
                    DashboardWrite(expected, dashboard(revision=9)),
                ),
                new_members=((1, USER),),
            )
            with pytest.raises(LostRaceError):
                store.commit(write)

        assert store.get_views(TENANT, USER, ["c-1"]) == {"c-1": v1}
        assert store.user_reminders(TENANT, USER) == []
        assert store.shard_members(TENANT, 1) == frozenset()
        keys = [mine.key, DashboardKey(TENANT, None, 1)]
        assert store.get_dashboards(keys) == {mine.key: mine}

    def test_dashboards_are_written_over_the_revision_that_was_read(self, store: ViewStore) -> None:
        tenant_shard = dashboard(user_id=None, shard=1, revision=1)
        v1 = create(store, view(version=1), dashboards=(DashboardWrite(None, tenant_shard),))
        moved = dashboard(user_id=None, shard=1, revision=2)

        store.commit(ViewWrite(v1, view(version=2), dashboards=(DashboardWrite(1, moved),)))

        assert store.get_dashboards([moved.key]) == {moved.key: moved}

    def test_members_join_a_shard_with_the_view(self, store: ViewStore) -> None:
        create(store, view("c-1"), new_members=((1, USER),))
        create(store, view("c-2", user_id=OTHER_USER), new_members=((1, OTHER_USER),))
        create(store, view("c-3"), new_members=((10, USER), (1, USER)))

        assert store.shard_members(TENANT, 1) == {USER, OTHER_USER}
        assert store.shard_members(TENANT, 10) == {USER}
        assert store.shard_members(TENANT, 0) == frozenset()

    # -- reading for the projector ------------------------------------------------------

    def test_get_views_returns_the_asked_views_that_exist(self, store: ViewStore) -> None:
        one, two = create(store, view("c-1")), create(store, view("c-2"))
        create(store, view("c-3"))
        gone = create(store, tombstone("c-4", version=1))

        found = store.get_views(TENANT, USER, ["c-1", "c-2", "c-2", "c-4", "c-404"])

        assert found == {"c-1": one, "c-2": two, "c-4": gone}
        assert store.get_views(TENANT, USER, []) == {}

    def test_user_views_are_every_view_of_one_user_tombstones_included(
        self, store: ViewStore
    ) -> None:
        live = create(store, view("c-1"))
        gone = create(store, tombstone("c-2", version=1))
        create(store, view("c-3", user_id=OTHER_USER))

        assert store.user_views(TENANT, USER) == {"c-1": live, "c-2": gone}
        assert store.user_views(TENANT, "nobody") == {}

    def test_user_reminders_are_every_open_reminder_of_one_user(self, store: ViewStore) -> None:
        mine = (reminder("c-1"), reminder("c-2", shard=None, expires_at=at(60)))
        create(store, view("c-1"), put_reminders=mine)
        theirs = (reminder("c-3", user_id=OTHER_USER),)
        create(store, view("c-3", user_id=OTHER_USER), put_reminders=theirs)

        found = store.user_reminders(TENANT, USER)

        assert sorted(found, key=lambda r: r.contact_id) == list(mine)

    def test_get_dashboards_returns_those_that_exist_among_the_keys(self, store: ViewStore) -> None:
        user, shard = dashboard(), dashboard(user_id=None, shard=3)
        writes = (DashboardWrite(None, user), DashboardWrite(None, shard))
        create(store, view(), dashboards=writes)
        missing = [DashboardKey(TENANT, OTHER_USER), DashboardKey(TENANT, None, 0)]

        for consistent in (True, False):
            found = store.get_dashboards([*missing, shard.key, user.key], consistent=consistent)
            assert found == {user.key: user, shard.key: shard}
        assert store.get_dashboards([]) == {}

    # -- the contact list ---------------------------------------------------------------

    def seed_list(self, store: ViewStore, count: int) -> list[ContactView]:
        """`count` contacts, c-0 updated first; every third one scheduled."""
        views = [
            view(
                f"c-{n}",
                updated_at=at(-count + n, ms=n),
                status=Status.SCHEDULED if n % 3 == 0 else Status.IDENTIFIED,
            )
            for n in range(count)
        ]
        for v in views:
            create(store, v)
        return views

    def test_contacts_are_listed_most_recently_updated_first(self, store: ViewStore) -> None:
        views = self.seed_list(store, 4)
        tied = create(store, view("c-9", updated_at=views[3].updated_at))

        page = store.contacts_page(TENANT, USER, None, 10)

        assert page.views == (tied, *reversed(views))
        assert page.next_position is None

    def test_the_status_filter_lists_only_contacts_in_that_status(self, store: ViewStore) -> None:
        views = self.seed_list(store, 7)

        page = store.contacts_page(TENANT, USER, Status.SCHEDULED, 10)

        assert page.views == (views[6], views[3], views[0])
        assert store.contacts_page(TENANT, USER, Status.ARCHIVED, 10).views == ()

    def test_tombstones_are_never_listed(self, store: ViewStore) -> None:
        views = self.seed_list(store, 3)
        store.commit(ViewWrite(views[1], tombstone("c-1")))

        assert store.contacts_page(TENANT, USER, None, 10).views == (views[2], views[0])
        assert store.contacts_page(TENANT, USER, Status.IDENTIFIED, 10).views == (views[2],)

    def test_pages_follow_each_other_without_duplicates_or_gaps(self, store: ViewStore) -> None:
        views = self.seed_list(store, 7)

        first = store.contacts_page(TENANT, USER, None, 3)
        second = store.contacts_page(TENANT, USER, None, 3, first.next_position)
        third = store.contacts_page(TENANT, USER, None, 3, second.next_position)

        assert [len(p.views) for p in (first, second, third)] == [3, 3, 1]
        assert first.views + second.views + third.views == tuple(reversed(views))
        assert third.next_position is None

    def test_a_page_that_ends_the_list_exactly_has_no_next_position(self, store: ViewStore) -> None:
        self.seed_list(store, 3)

        assert store.contacts_page(TENANT, USER, None, 3).next_position is None

    @pytest.mark.parametrize(
        ("tenant_id", "user_id", "status"),
        [
            (OTHER_TENANT, USER, None),
            (TENANT, OTHER_USER, None),
            (TENANT, USER, Status.IDENTIFIED),
        ],
        ids=["another tenant", "another user", "another status"],
    )
    def test_a_position_from_another_query_is_refused(
        self, store: ViewStore, tenant_id: str, user_id: str, status: Status | None
    ) -> None:
        self.seed_list(store, 4)
        position = store.contacts_page(TENANT, USER, None, 2).next_position
        filtered = store.contacts_page(TENANT, USER, Status.IDENTIFIED, 1).next_position
        assert position is not None
        assert filtered is not None

        with pytest.raises(InvalidPositionError):
            store.contacts_page(tenant_id, user_id, status, 2, position)
        with pytest.raises(InvalidPositionError):
            store.contacts_page(TENANT, USER, Status.SCHEDULED, 2, filtered)
        with pytest.raises(InvalidPositionError):
            store.contacts_page(TENANT, USER, None, 2, {**position, "extra": "x"})
        with pytest.raises(InvalidPositionError):
            store.contacts_page(TENANT, USER, None, 2, {})

    # -- the due index ------------------------------------------------------------------

    def test_due_returns_only_reminders_on_the_index_whose_send_time_has_come(
        self, store: ViewStore
    ) -> None:
        ready = reminder("c-1", send_at=at(-1))
        on_time = reminder("c-2", send_at=at(0), shard=1)
        later = reminder("c-3", send_at=at(1))
        reminded = reminder("c-4", send_at=at(-1), shard=None)
        create(store, view(), put_reminders=(ready, on_time, later, reminded))

        found = store.due(at(0, ms=999), 10)

        assert sorted(found, key=lambda r: r.contact_id) == [ready, on_time]
        assert store.due(at(0, ms=-1), 10) == [ready]

    def test_due_takes_a_fair_share_from_each_shard(self, store: ViewStore) -> None:
        backlog = [reminder(f"c-{n}", send_at=at(-10 + n), shard=0) for n in range(3)]
        other = reminder("c-9", send_at=at(-1), shard=1)
        create(store, view(), put_reminders=(*backlog, other))

        assert store.due(NOW, 2) == [backlog[0], other]
        assert store.due(NOW, 1) == [backlog[0], other]
        assert store.due(NOW, 10) == [*backlog, other]

    def test_drop_due_is_conditional_on_the_send_time_it_read(self, store: ViewStore) -> None:
        read = reminder(send_at=at(-10))
        v1 = create(store, view(version=1), put_reminders=(read,))
        moved = replace(read, send_at=at(-5))
        store.commit(ViewWrite(v1, view(version=2), put_reminders=(moved,)))

        assert store.drop_due(read) is False
        assert store.due(NOW, 10) == [moved]
        assert store.drop_due(moved) is True
        assert store.due(NOW, 10) == []
        assert store.user_reminders(TENANT, USER) == [replace(moved, due_shard=None)]
        assert store.drop_due(moved) is False

    # -- claims and leases --------------------------------------------------------------

    def test_the_first_claim_wins_and_the_second_sees_the_holder(self, store: ViewStore) -> None:
        key = reminder_key()

        assert store.claim(key, "sweep-1", NOW) is None
        assert store.claim(key, "sweep-2", at(1)) == Claim(ClaimState.CLAIMED, NOW, "sweep-1")
        assert store.claim(key, "sweep-1", at(1)) == Claim(ClaimState.CLAIMED, NOW, "sweep-1")
        assert store.claim(reminder_key(due_at=at(-121)), "sweep-2", NOW) is None

    def test_only_the_holder_marks_a_claim_sent(self, store: ViewStore) -> None:
        key = reminder_key()
        store.claim(key, "sweep-1", NOW)

        assert store.mark_sent(key, "sweep-2", "msg-2") is False
        assert store.mark_sent(reminder_key("c-404"), "sweep-1", "msg-1") is False
        assert store.mark_sent(key, "sweep-1", "msg-1") is True
        assert store.mark_sent(key, "sweep-1", "msg-again") is False
        sent = Claim(ClaimState.SENT, NOW, "sweep-1", "msg-1")
        assert store.claim(key, "sweep-2", at(1)) == sent

    def test_only_the_holder_releases_a_claim_and_then_another_may_claim(
        self, store: ViewStore
    ) -> None:
        key = reminder_key()
        store.claim(key, "sweep-1", NOW)

        assert store.release(key, "sweep-2") is False
        assert store.release(key, "sweep-1") is True
        assert store.release(key, "sweep-1") is False
        assert store.claim(key, "sweep-2", at(1)) is None

    def test_a_sent_claim_is_never_released(self, store: ViewStore) -> None:
        key = reminder_key()
        store.claim(key, "sweep-1", NOW)
        store.mark_sent(key, "sweep-1", "msg-1")

        assert store.release(key, "sweep-1") is False
        assert store.claim(key, "sweep-2", at(1)) == Claim(ClaimState.SENT, NOW, "sweep-1", "msg-1")

    def test_a_lease_is_exclusive_until_it_expires(self, store: ViewStore) -> None:
        user, minute = (TENANT, USER), timedelta(minutes=1)

        assert store.hold_user(user, "sweep-1", NOW, minute) is True
        assert store.hold_user(user, "sweep-2", at(0.5), minute) is False
        assert store.hold_user(user, "sweep-2", at(1), minute) is False
        assert store.hold_user((TENANT, OTHER_USER), "sweep-2", at(0.5), minute) is True
        assert store.hold_user(user, "sweep-2", at(1, ms=1000), minute) is True
        assert store.hold_user(user, "sweep-1", at(1.5), minute) is False

    def test_only_the_holder_gives_a_lease_back(self, store: ViewStore) -> None:
        user, minute = (TENANT, USER), timedelta(minutes=1)
        store.hold_user(user, "sweep-1", NOW, minute)

        assert store.release_user(user, "sweep-2") is False
        assert store.release_user(user, "sweep-1") is True
        assert store.release_user(user, "sweep-1") is False
        assert store.hold_user(user, "sweep-2", at(0.5), minute) is True

    # -- operators ----------------------------------------------------------------------

    def seed_tenant(self, store: ViewStore, tenant_id: str) -> None:
        """Two users' views, reminders, dashboards and a member, a claim and a lease."""
        r = reminder(tenant_id=tenant_id)
        dashboards = (
            DashboardWrite(None, dashboard(tenant_id)),
            DashboardWrite(None, dashboard(tenant_id, None, shard=1)),
        )
        live = view(tenant_id=tenant_id)
        create(store, live, put_reminders=(r,), dashboards=dashboards, new_members=((1, USER),))
        other = ContactView(tenant_id, OTHER_USER, "c-2", 1, erased=True)
        create(store, other, new_members=((1, OTHER_USER),))
        store.claim(r.key, "sweep-1", NOW)
        store.hold_user((tenant_id, USER), "sweep-1", NOW, timedelta(minutes=5))

    def test_a_snapshot_returns_what_was_committed(self, store: ViewStore) -> None:
        self.seed_tenant(store, TENANT)
        self.seed_tenant(store, OTHER_TENANT)

        mine = store.snapshot(TENANT)

        r = reminder()
        assert mine.views == {
            (TENANT, USER, "c-1"): view(),
            (TENANT, OTHER_USER, "c-2"): ContactView(TENANT, OTHER_USER, "c-2", 1, erased=True),
        }
        assert mine.reminders == {r.key: r}
        assert mine.dashboards == {
            DashboardKey(TENANT, USER): dashboard(),
            DashboardKey(TENANT, None, 1): dashboard(user_id=None, shard=1),
        }
        assert mine.members == {(TENANT, 1): frozenset({USER, OTHER_USER})}
        everything = store.snapshot()
        assert len(everything.views) == 4
        assert {key[0] for key in everything.members} == {TENANT, OTHER_TENANT}

    def test_clear_removes_one_tenants_read_models_and_keeps_claims_and_leases(
        self, store: ViewStore
    ) -> None:
        self.seed_tenant(store, TENANT)
        self.seed_tenant(store, OTHER_TENANT)
        theirs = store.snapshot(OTHER_TENANT)

        # 2 views, 1 reminder, 2 dashboards, 2 members.
        assert store.clear(TENANT) == 7

        mine = store.snapshot(TENANT)
        assert (mine.views, mine.reminders, mine.dashboards, mine.members) == ({}, {}, {}, {})
        assert store.snapshot(OTHER_TENANT) == theirs
        held = store.claim(reminder(tenant_id=TENANT).key, "sweep-2", at(1))
        assert held == Claim(ClaimState.CLAIMED, NOW, "sweep-1")
        assert store.hold_user((TENANT, USER), "sweep-2", at(1), timedelta(minutes=5)) is False
        create(store, view(tenant_id=TENANT))

    def test_clear_of_every_tenant_leaves_no_read_model(self, store: ViewStore) -> None:
        self.seed_tenant(store, TENANT)
        self.seed_tenant(store, OTHER_TENANT)

        assert store.clear() == 14

        everything = store.snapshot()
        assert (everything.views, everything.reminders) == ({}, {})
        assert (everything.dashboards, everything.members) == ({}, {})

    # -- isolation ----------------------------------------------------------------------

    def test_no_read_of_one_tenant_returns_anything_of_another(self, store: ViewStore) -> None:
        self.seed_tenant(store, OTHER_TENANT)
        create(store, view("c-9", tenant_id=OTHER_TENANT, status=Status.SCHEDULED))

        assert store.get_views(TENANT, USER, ["c-1", "c-9"]) == {}
        assert store.user_views(TENANT, USER) == {}
        assert store.user_reminders(TENANT, USER) == []
        assert store.shard_members(TENANT, 1) == frozenset()
        keys = [DashboardKey(TENANT, USER), DashboardKey(TENANT, None, 1)]
        assert store.get_dashboards(keys) == {}
        for status in (None, Status.IDENTIFIED, Status.SCHEDULED):
            assert store.contacts_page(TENANT, USER, status, 10).views == ()
        assert store.snapshot(TENANT).views == {}
        assert store.claim(reminder().key, "sweep-2", NOW) is None
        assert store.hold_user((TENANT, USER), "sweep-2", NOW, timedelta(minutes=1)) is True
