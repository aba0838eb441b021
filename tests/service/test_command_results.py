"""Commands answer in the application's terms: the contact, the event it got, and whether this
is a replay. A replay gives back the first result to the character, old records included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.auth.identity import Identity
from chalicelib.clock import FixedClock
from chalicelib.domain import events as ev
from chalicelib.eventstore.memory import InMemoryEventStore
from chalicelib.eventstore.port import IdempotencyRecord, LoadedStream, StreamId
from chalicelib.service.commands import ContactCommands
from chalicelib.service.idempotency import IdempotencyRequest, earlier_result
from chalicelib.service.results import CommandResult, EventRef
from chalicelib.service.user_settings_port import InMemorySettingsRepository

ADA = Identity("ada", "acme", "ada@example.com")
# Half a millisecond past the second: `iso` shows it as `.000Z`, which parses back as `Z`.
START = datetime(2026, 11, 26, 14, 0, 0, 500, tzinfo=UTC)


def commands(clock: FixedClock) -> ContactCommands:
    return ContactCommands(
        InMemoryEventStore(), InMemorySettingsRepository(), clock, sleep=lambda _: None
    )


def keyed(body: object) -> IdempotencyRequest:
    return IdempotencyRequest.of("key-1", "POST", "/contacts", body)


def test_adding_a_contact_gives_the_contact_and_its_first_event() -> None:
    clock = FixedClock(START)

    result = commands(clock).add_contact(ADA, ev.ContactAdded(name="Ada Park"), None)

    assert result.contact["name"] == "Ada Park"
    assert result.contact_id == result.contact["contact_id"]
    assert result.event == EventRef(1, "contact_added", "2026-11-26T14:00:00.000Z")
    assert (result.version, result.replayed) == (1, False)


def test_a_step_gives_the_contact_after_it() -> None:
    clock = FixedClock(START)
    service = commands(clock)
    contact_id = service.add_contact(ADA, ev.ContactAdded(name="Ada Park"), None).contact_id

    result = service.record_step(ADA, contact_id, ev.OutreachSent())

    assert result.event.type == "outreach_sent"
    assert result.version == result.contact["version"] == 2


def test_a_replay_is_the_first_result_to_the_character() -> None:
    clock = FixedClock(START)
    service = commands(clock)
    first = service.add_contact(ADA, ev.ContactAdded(name="Ada Park"), keyed({"name": "Ada"}))
    clock.advance(timedelta(hours=1))

    again = service.add_contact(ADA, ev.ContactAdded(name="Ada Park"), keyed({"name": "Ada"}))

    assert again.replayed
    assert (again.contact, again.event) == (first.contact, first.event)


def test_a_record_kept_before_results_existed_replays_as_the_same_result() -> None:
    stream = StreamId("acme", "c-1")
    body = {
        "contact": {"contact_id": "c-1", "version": 1, "name": "Ada Park"},
        "event": {"version": 1, "type": "contact_added", "occurred_at": "2026-11-26T14:00:00Z"},
    }
    request = keyed({"name": "Ada"})
    old = IdempotencyRecord(
        "ada", "key-1", request.request_hash, 201, body, START + timedelta(hours=24)
    )

    replay = earlier_result(LoadedStream(stream, (), (old,)), "ada", request, START)

    assert replay == CommandResult(
        body["contact"], EventRef(1, "contact_added", "2026-11-26T14:00:00Z"), replayed=True
    )
    assert replay.to_record() == body
