"""The projector over moto: doorbells in any order and number leave the views equal to a fold."""

from __future__ import annotations

from typing import Any

from chalicelib.auth.identity import Identity
from chalicelib.bootstrap import Services
from chalicelib.domain import events as ev
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, ReplyOutcome
from chalicelib.eventstore.port import NewEvent, StreamId
from chalicelib.projections.projector import Projector
from chalicelib.projections.stream_pump import StreamPump
from chalicelib.projections.views_table import ViewsTable
from tests.projections.support import add, fresh_fold, kinds, saved_settings, step, views


def _records(pump: StreamPump) -> list[dict[str, Any]]:
    records = pump.fetch()
    assert records
    return records


def test_steps_reach_the_view_the_agenda_and_both_counters(
    services: Services, pump: StreamPump, ada: Identity
) -> None:
    contact = add(services, ada, company="Navy")
    step(services, ada, contact, ev.OutreachSent(message="May I ask about compilers?"))

    pump.drain()

    found = views(services)
    assert found == fresh_fold(services)
    view = found[("T#acme#U#ada", f"C#{contact}")]
    assert (view["version"]["N"], view["status"]["S"]) == ("2", "reaching_out")
    assert found[("T#acme#U#ada", "STATS")]["n_reaching_out"] == {"N": "1"}
    assert found[("T#acme", "STATS")]["f_reached_out"] == {"N": "1"}
    assert [key[1].split("#")[2] for key in kinds(found, "R#")] == ["follow_up"]


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

    found = views(services)
    assert found == fresh_fold(services)
    assert found[("T#acme#U#ada", "STATS")] == {
        "PK": {"S": "T#acme#U#ada"},
        "SK": {"S": "STATS"},
        "n_reaching_out": {"N": "1"},
        "n_archived": {"N": "1"},
        "f_reached_out": {"N": "1"},
        "f_replied": {"N": "1"},
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


class _RacingViews(ViewsTable):
    """Lets another projector finish the same contact just before this one's first write."""

    def __init__(self, inner: ViewsTable, rival: Projector, target: tuple[str, str, str]) -> None:
        super().__init__(inner.client, inner.table)
        self._rival, self._target, self.raced = rival, target, 0

    def apply(self, actions: list[dict[str, Any]]) -> None:
        if not self.raced:
            self.raced += 1
            self._rival.project_contact(*self._target)
        super().apply(actions)


def test_a_projector_that_loses_the_race_rereads_and_counts_nothing_twice(
    services: Services, ada: Identity
) -> None:
    contact = add(services, ada)
    step(services, ada, contact, ev.OutreachSent())
    racing = _RacingViews(services.views, services.projector, ("acme", "ada", contact))
    loser = Projector(
        services.event_store, racing, saved_settings(services), 4, sleep=lambda _: None
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
    before = kinds(views(services), "R#")

    services.settings_repository.put("acme", "ada", UserSettings(timezone="Asia/Tokyo"))
    pump.drain()

    after = kinds(views(services), "R#")
    assert after == kinds(fresh_fold(services), "R#")
    send_times = {key[0]: item["send_at"]["S"] for key, item in after.items()}
    assert send_times["T#acme#U#ada"] == "2026-11-27T00:00:00Z"  # 09:00 in Tokyo
    assert after[_only(after, theirs)] == before[_only(before, theirs)]
    assert mine in _only(after, mine)[1]


def test_reminders_off_takes_the_users_steps_off_the_due_index_but_not_the_agenda(
    services: Services, pump: StreamPump, ada: Identity
) -> None:
    add(services, ada)
    services.settings_repository.put("acme", "ada", UserSettings(reminders_enabled=False))

    pump.drain()

    reminders = list(kinds(views(services), "R#").values())
    assert len(reminders) == 1
    assert "agenda_pk" in reminders[0]
    assert "due_pk" not in reminders[0]


def test_a_sent_reminder_leaves_the_due_index(
    services: Services, pump: StreamPump, ada: Identity
) -> None:
    contact = add(services, ada)
    pump.drain()
    (item,) = kinds(views(services), "R#").values()
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

    (after,) = kinds(views(services), "R#").values()
    assert "due_pk" in item
    assert "due_pk" not in after
    assert views(services) == fresh_fold(services)


def _only(items: dict[tuple[str, str], Any], contact_id: str) -> tuple[str, str]:
    (key,) = [key for key in items if contact_id in key[1]]
    return key
