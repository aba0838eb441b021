"""The dashboards the projector keeps, on the in-memory adapters (no moto): whatever order the
contacts of a tenant move in, each user's dashboard and each tenant shard hold exactly what a
fresh fold implies, even when their bounded lists are cut and must be refilled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import bootstrap
from chalicelib.auth.identity import Identity
from chalicelib.clock import FixedClock
from chalicelib.domain import events as ev
from chalicelib.domain.vocabulary import ReplyOutcome
from chalicelib.projections import dashboard as dash
from chalicelib.projections.rebuild import differences
from chalicelib.projections.replay import expected_models
from chalicelib.settings import Settings
from chalicelib.viewstore.model import Dashboard, DueEntry

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
USERS = [Identity(f"u{n}", "acme", f"u{n}@example.com") for n in range(3)]
STEPS = {
    "outreach": lambda at: ev.OutreachSent(),
    "accepted": lambda at: ev.ReplyReceived(outcome=ReplyOutcome.ACCEPTED),
    "schedule": lambda at: ev.InterviewScheduled(starts_at=at + timedelta(days=3)),
    "questions": lambda at: ev.QuestionsPrepared(questions=["Why?"]),
    "archive": lambda at: ev.ContactArchived(),
}


@pytest.fixture
def tiny_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounds small enough that a handful of contacts cut the lists and force refills."""
    monkeypatch.setattr(dash, "DUE_KEEP", 3)
    monkeypatch.setattr(dash, "DUE_MIN", 3)
    monkeypatch.setattr(dash, "INTERVIEWS_KEEP", 2)
    monkeypatch.setattr(dash, "INTERVIEWS_MIN", 2)


def _world() -> tuple[bootstrap.Services, FixedClock]:
    clock = FixedClock(T0)
    return bootstrap.in_memory(Settings(), clock=clock, sleep=lambda _: None), clock


def _entry(minutes: int, contact: str = "c") -> DueEntry:
    from chalicelib.domain.vocabulary import Action

    return DueEntry(T0 + timedelta(minutes=minutes), contact, Action.REACH_OUT)


def test_merged_prefixes_stop_where_the_first_cut_list_was_cut() -> None:
    cut = ([_entry(1, "a"), _entry(5, "a")], True)
    whole = ([_entry(2, "b"), _entry(9, "b")], False)

    merged, more = dash.merged_prefix([cut, whole])

    assert merged == [_entry(1, "a"), _entry(2, "b"), _entry(5, "a")]
    assert more


def test_a_stored_dashboard_agrees_with_the_fullest_only_as_a_long_enough_prefix() -> None:
    key = dash.user_key("acme", "u0")
    full = Dashboard(key, due=tuple(_entry(n, f"c{n}") for n in range(30)))
    prefix = Dashboard(key, due=full.due[: dash.DUE_MIN], more_due=True)
    short = Dashboard(key, due=full.due[:3], more_due=True)

    assert dash.agrees(full, full)
    assert dash.agrees(full, prefix)
    assert not dash.agrees(full, short)
    assert not dash.agrees(full, Dashboard(key, due=full.due[:-1]))


@pytest.mark.usefixtures("tiny_lists")
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    moves=st.lists(
        st.tuples(
            st.integers(0, len(USERS) - 1),
            st.integers(0, 5),
            st.sampled_from([*STEPS, "add", "erase"]),
            st.integers(0, 72),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_dashboards_equal_a_fresh_fold_whatever_the_order_of_moves(
    moves: list[tuple[int, int, str, int]],
) -> None:
    services, clock = _world()
    contacts: dict[tuple[int, int], str] = {}
    for user, label, move, hours in moves:
        clock.advance(timedelta(hours=hours))
        who = USERS[user]
        contact = contacts.get((user, label))
        if contact is None or move == "add":
            added = services.commands.add_contact(who, ev.ContactAdded(name=f"P{label}"), None)
            contacts[(user, label)] = contact = str(added.contact["contact_id"])
        elif move == "erase":
            services.erasure.erase(who, contact)
            contacts.pop((user, label))
            continue
        else:
            try:
                services.commands.record_step(who, contact, STEPS[move](clock.now()))
            except Exception:
                continue
        services.projector.project_contact(who.tenant_id, who.user_id, contact)

    expected = expected_models(services.adapters.events_snapshot(), services.settings.due_shards)
    assert differences(expected, services.view_store.snapshot()) == []


@pytest.mark.usefixtures("tiny_lists")
def test_a_cut_list_that_loses_an_entry_is_refilled_from_the_users_reminders() -> None:
    services, clock = _world()
    who = USERS[0]
    contacts = []
    for n in range(5):
        clock.advance(timedelta(hours=1))
        added = services.commands.add_contact(who, ev.ContactAdded(name=f"P{n}"), None)
        contacts.append(str(added.contact["contact_id"]))
        services.projector.project_contact("acme", who.user_id, contacts[-1])
    key = dash.user_key("acme", who.user_id)
    cut = services.view_store.get_dashboards([key])[key]

    services.commands.record_step(who, contacts[0], ev.OutreachSent())
    services.projector.project_contact("acme", who.user_id, contacts[0])

    refilled = services.view_store.get_dashboards([key])[key]
    assert [e.contact_id for e in cut.due] == contacts[:3]
    assert cut.more_due
    assert [e.contact_id for e in refilled.due] == contacts[1:4]
    assert refilled.more_due
    expected = expected_models(services.adapters.events_snapshot(), services.settings.due_shards)
    assert differences(expected, services.view_store.snapshot()) == []
