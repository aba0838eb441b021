"""A key is the user's across every command: one key answers one request, wherever it was used,
and a refused request reads the key's claim only when it is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.auth.identity import Identity
from chalicelib.clock import FixedClock
from chalicelib.domain import events as ev
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.eventstore.memory import InMemoryEventStore
from chalicelib.eventstore.port import KeyClaim
from chalicelib.service.commands import ContactCommands
from chalicelib.service.errors import ContactNotFoundError, IdempotencyKeyReusedError
from chalicelib.service.idempotency import IdempotencyRequest
from chalicelib.service.user_settings_port import InMemorySettingsRepository

ADA = Identity("ada", "acme", "ada@example.com")
BO = Identity("bo", "acme", "bo@example.com")
START = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
NOTE = ev.ResearchNoted(subject="company", text="Acme builds payment rails.")


class CountingStore(InMemoryEventStore):
    """The in-memory store, counting the claim reads the service makes."""

    def __init__(self) -> None:
        super().__init__()
        self.claim_reads = 0

    def key_claim(self, tenant_id: str, user_id: str, key: str) -> KeyClaim | None:
        self.claim_reads += 1
        return super().key_claim(tenant_id, user_id, key)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def store() -> CountingStore:
    return CountingStore()


@pytest.fixture
def commands(store: CountingStore, clock: FixedClock) -> ContactCommands:
    return ContactCommands(store, InMemorySettingsRepository(), clock, sleep=lambda _: None)


def keyed(path: str, body: Any, key: str = "k-1") -> IdempotencyRequest:
    return IdempotencyRequest.of(key, "POST", path, body)


def add(commands: ContactCommands, name: str = "Ada Park", caller: Identity = ADA) -> str:
    return commands.add_contact(caller, ev.ContactAdded(name=name), None).contact_id


def test_a_key_used_to_add_a_contact_cannot_record_a_step(commands: ContactCommands) -> None:
    added = commands.add_contact(ADA, ev.ContactAdded(name="Ada"), keyed("/contacts", {"n": 1}))
    path = f"/contacts/{added.contact_id}/events"

    with pytest.raises(IdempotencyKeyReusedError, match="'k-1'"):
        commands.record_step(ADA, added.contact_id, NOTE, idempotency=keyed(path, {"s": 1}))


def test_a_steps_key_cannot_add_a_contact(commands: ContactCommands, store: CountingStore) -> None:
    contact_id = add(commands)
    path = f"/contacts/{contact_id}/events"
    commands.record_step(ADA, contact_id, NOTE, idempotency=keyed(path, {"s": 1}))

    with pytest.raises(IdempotencyKeyReusedError, match="'k-1'"):
        commands.add_contact(ADA, ev.ContactAdded(name="Bo"), keyed("/contacts", {"n": 2}))
    assert len(store.streams()) == 1


def test_a_refused_step_with_a_key_held_elsewhere_is_a_reused_key(
    commands: ContactCommands, store: CountingStore
) -> None:
    first, second = add(commands), add(commands, "Bo")
    commands.record_step(ADA, first, NOTE, idempotency=keyed(f"/contacts/{first}/events", {"s": 1}))

    with pytest.raises(IdempotencyKeyReusedError):
        commands.record_step(
            ADA, second, ev.ThankYouSent(), idempotency=keyed(f"/contacts/{second}/events", {})
        )
    assert store.claim_reads == 1


def test_a_refused_step_with_a_fresh_key_is_refused_for_what_it_is(
    commands: ContactCommands, store: CountingStore
) -> None:
    contact_id = add(commands)
    fresh = keyed(f"/contacts/{contact_id}/events", {})

    with pytest.raises(StepNotAllowedError):
        commands.record_step(ADA, contact_id, ev.ThankYouSent(), idempotency=fresh)
    with pytest.raises(ContactNotFoundError):
        commands.record_step(BO, contact_id, NOTE, idempotency=fresh)
    assert store.claim_reads == 2


def test_an_accepted_or_replayed_step_never_reads_the_claim(
    commands: ContactCommands, store: CountingStore
) -> None:
    contact_id = add(commands)
    request = keyed(f"/contacts/{contact_id}/events", {"s": 1})

    first = commands.record_step(ADA, contact_id, NOTE, idempotency=request)
    again = commands.record_step(ADA, contact_id, NOTE, idempotency=request)

    assert again.replayed
    assert again.event == first.event
    assert store.claim_reads == 0


def test_another_user_may_use_the_same_key(commands: ContactCommands) -> None:
    commands.add_contact(ADA, ev.ContactAdded(name="Ada"), keyed("/contacts", {"n": 1}))
    theirs = commands.add_contact(BO, ev.ContactAdded(name="Cy"), keyed("/contacts", {"n": 2}))
    assert not theirs.replayed


def test_after_24_hours_the_key_may_answer_another_request(
    commands: ContactCommands, clock: FixedClock
) -> None:
    contact_id = add(commands)
    path = f"/contacts/{contact_id}/events"
    commands.record_step(ADA, contact_id, NOTE, idempotency=keyed(path, {"s": 1}))
    clock.advance(timedelta(hours=24))

    added = commands.add_contact(ADA, ev.ContactAdded(name="Bo"), keyed("/contacts", {"n": 2}))

    assert not added.replayed
