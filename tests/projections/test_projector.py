"""The projector over moto: doorbells in any order and number leave the views equal to a fold."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.stream_pump import StreamPump
from chalicelib.auth.identity import Identity
from chalicelib.bootstrap import Services
from chalicelib.domain import events as ev
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, ReplyOutcome
from chalicelib.eventstore.port import NewEvent, StreamId
from chalicelib.projections import dashboard as dash
from chalicelib.projections.projector import Projector
from chalicelib.retry import RetryPolicy
from chalicelib.viewstore.port import ViewStore, ViewWrite
from tests.projections.support import add, fresh_fold, reminder_actions, saved_settings, step, views


def _records(pump: StreamPump) -> list[dict[str, Any]]:
    records = pump.fetch()
    assert records
    return records


def _counters(services: Services, tenant_id: str, user_id: str | None = None) -> dict[str, int]:
    found = views(services).dashboards
    if user_id is not None:
        return dict(found[dash.user_key(tenant_id, user_id)].counters)
    total: dict[str, int] = {}
    for key in dash.tenant_keys(tenant_id):
        for name, value in (found[key].counters if key in found else {}).items():
            total[name] = total.get(name, 0) + value
    return total


def test_steps_reach_the_view_the_agenda_and_both_dashboards(
    services: Services, pump: StreamPump, ada: Identity
) -> None:
    contact = add(services, ada, company="Navy")
    step(services, ada, contact, ev.OutreachSent(message="May I ask about compilers?"))

    pump.drain()

    found = views(services)
    assert found == fresh_fold(services)
    view = found.views[("acme", "ada", contact)]
    assert (view.version, view.status.value if view.status else None) == (2, "reaching_out")
    assert _counters(services, "acme", "ada")["n_reaching_out"] == 1
    assert _counters(services, "acme")["f_reached_out"] == 1
    assert reminder_actions(found) == ["follow_up"]


def test_duplicated_and_reversed_records_count_nothing_twice(
    services: Services, pump: StreamPump, ada: Identity
) -> None:
    first, second = add(services, ada), add(services, ada, name="Alan Kay")
    step(services, ada, first, ev.OutreachSent())
    step(services, ada, first, ev.ReplyReceived(outcome=ReplyOutcome.ACCEPTED))
    step(services, ada, second, ev.ContactArchived())
    records = _records(pump)

    services.projector.handle({"Records": list(reversed(records))})
    services.projector.handle({"Records": records + records})

    assert views(services) == fresh_fold(services)
    assert _counters(services, "acme", "ada") == {
        "n_reaching_out": 1,
        "n_archived": 1,
        "f_reached_out": 1,
        "f_replied": 1,
    }


def test_a_lost_record_heals_when_the_contacts_next_record_arrives(
    services: Services, pump: StreamPump, ada: Identity
) -> None:
    contact = add(services, ada)
    pump.drain()
    step(services, ada, contact, ev.OutreachSent())
    lost = _records(pump)
    step(services, ada, contact, ev.FollowUpSent())

    services.projector.handle({"Records": pump.fetch()})

    assert lost  # never delivered
    assert views(services) == fresh_fold(services)


class _RacingViews:
    """Lets another projector finish the same contact just before this one's first write."""

    def __init__(self, inner: ViewStore, rival: Projector, target: tuple[str, str, str]) -> None:
        self._inner, self._rival, self._target, self.raced = inner, rival, target, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def commit(self, write: ViewWrite) -> None:
        if not self.raced:
            self.raced += 1
            self._rival.project_contact(*self._target)
        self._inner.commit(write)


def test_a_projector_that_loses_the_race_rereads_and_counts_nothing_twice(
    services: Services, ada: Identity
) -> None:
    contact = add(services, ada)
    step(services, ada, contact, ev.OutreachSent())
    racing = _RacingViews(services.view_store, services.projector, ("acme", "ada", contact))
    loser = Projector(
        services.event_store,
        racing,  # type: ignore[arg-type]
        saved_settings(services),
        4,
        RetryPolicy(max_attempts=6),
    )

    loser.project_contact("acme", "ada", contact)

    assert racing.raced == 1
    assert views(services) == fresh_fold(services)


def test_a_settings_change_moves_every_reminder_of_that_user_only(
    services: Services, pump: StreamPump, ada: Identity
) -> None:
    bob = Identity("bob", "acme", "bob@example.com")
    mine, theirs = add(services, ada), add(services, bob)
    pump.drain()
    before = views(services).reminders

    services.settings_repository.put("acme", "ada", UserSettings(timezone="Asia/Tokyo"))
    pump.drain()

    after = views(services).reminders
    assert after == fresh_fold(services).reminders
    send_times = {key.user_id: reminder.send_at.isoformat() for key, reminder in after.items()}
    assert send_times["ada"] == "2026-11-27T00:00:00+00:00"  # 09:00 in Tokyo
    assert [r for k, r in after.items() if k.contact_id == theirs] == [
        r for k, r in before.items() if k.contact_id == theirs
    ]
    assert [k.contact_id for k in after if k.user_id == "ada"] == [mine]


def test_reminders_off_takes_the_users_steps_off_the_due_index_but_not_the_agenda(
    services: Services, pump: StreamPump, ada: Identity
) -> None:
    add(services, ada)
    services.settings_repository.put("acme", "ada", UserSettings(reminders_enabled=False))

    pump.drain()

    reminders = list(views(services).reminders.values())
    assert len(reminders) == 1
    assert reminders[0].action is Action.REACH_OUT
    assert reminders[0].due_shard is None


def test_a_sent_reminder_leaves_the_due_index(
    services: Services, pump: StreamPump, ada: Identity
) -> None:
    contact = add(services, ada)
    pump.drain()
    (reminder,) = views(services).reminders.values()
    due = services.clock.now()
    sent = ev.ReminderSent(action=Action.REACH_OUT, due_at=due)

    services.event_store.append(
        StreamId("acme", contact),
        [NewEvent(sent.event_type, sent.to_data(), due)],
        expected_version=1,
        owner_id="ada",
        recorded_at=due,
    )
    pump.drain()

    (after,) = views(services).reminders.values()
    assert reminder.due_shard is not None
    assert after.due_shard is None
    assert views(services) == fresh_fold(services)
