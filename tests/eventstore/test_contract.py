"""One contract for every event store: the in-memory fake and DynamoDB under moto alike."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from chalicelib.adapters import aws
from chalicelib.clock import FixedClock
from chalicelib.eventstore.dynamodb import DynamoDBEventStore
from chalicelib.eventstore.memory import InMemoryEventStore
from chalicelib.eventstore.port import (
    ConcurrencyError,
    DuplicateRequestError,
    EventStore,
    IdempotencyRecord,
    KeyClaim,
    KeyClaimedError,
    LoadedStream,
    NewEvent,
    StoredEvent,
    StreamId,
    StreamStart,
)
from chalicelib.settings import Settings

STREAM = StreamId("tenant-a", "contact-1")
OTHER_CONTACT = StreamId("tenant-a", "contact-2")
OWNER = "user-1"


def new_event(type_: str = "note_added", **data: Any) -> NewEvent:
    return NewEvent(
        type=type_, data=data, occurred_at=datetime(2026, 11, 25, 9, 30, 15, 250000, tzinfo=UTC)
    )


def record(
    now: datetime, key: str = "key-1", *, user_id: str = OWNER, request_hash: str = "sha256:abc"
) -> IdempotencyRecord:
    return IdempotencyRecord(
        user_id=user_id,
        key=key,
        request_hash=request_hash,
        status=201,
        body={"id": "contact-1", "name": "Zoë"},
        expires_at=now + timedelta(hours=24),
    )


def claimed_by(store: EventStore, tenant: str, user: str, key: str = "key-1") -> str | None:
    """The request hash of the claim on a user's key, or None when unclaimed."""
    claim = store.key_claim(tenant, user, key)
    return claim.request_hash if claim else None


class EventStoreContract:
    """The behaviour the application relies on; each store's test class supplies `store`."""

    @pytest.fixture
    def store(self) -> EventStore:
        raise NotImplementedError("a store's test class overrides the `store` fixture")

    def append(
        self, store: EventStore, clock: FixedClock, events: list[NewEvent], expected: int, **kw: Any
    ) -> list[StoredEvent]:
        return store.append(
            STREAM, events, expected_version=expected, owner_id=OWNER, recorded_at=clock.now(), **kw
        )

    def test_an_appended_event_comes_back_with_all_its_metadata(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        data = {
            "name": "Zoë Ngô 張偉 🎓",
            "score": 0.1,
            "count": 3,
            "missing": None,
            "nested": {"tags": ["a", None, 2.5, True], "deep": {"empty": {}, "list": []}},
        }
        event = NewEvent(
            type="contact_added",
            data=data,
            occurred_at=datetime(2026, 11, 26, 13, 59, 58, 123456, tzinfo=UTC),
            schema_version=2,
            event_id="evt-1",
            actor="user-1",
            correlation_id="req-1",
        )
        appended = self.append(store, clock, [event], 0)
        expected = StoredEvent(
            stream=STREAM,
            version=1,
            type="contact_added",
            data=data,
            occurred_at=event.occurred_at,
            recorded_at=clock.now(),
            schema_version=2,
            event_id="evt-1",
            actor="user-1",
            correlation_id="req-1",
            owner_id=OWNER,
        )
        loaded = store.load(STREAM)
        assert appended == [expected]
        assert loaded.events == (expected,)
        assert loaded.version == 1
        assert loaded.idempotency == ()

    def test_times_in_another_zone_come_back_as_the_same_instant_in_utc(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        paris = timezone(timedelta(hours=1))
        event = NewEvent("note_added", {}, datetime(2026, 11, 26, 15, 0, tzinfo=paris))
        store.append(STREAM, [event], expected_version=0, owner_id=OWNER, recorded_at=clock.now())
        (stored,) = store.load(STREAM).events
        assert stored.occurred_at == datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
        assert stored.occurred_at.tzinfo == UTC

    def test_an_unknown_stream_loads_empty_at_version_zero(self, store: EventStore) -> None:
        loaded = store.load(STREAM)
        assert (loaded.stream, loaded.events, loaded.idempotency, loaded.version) == (
            STREAM,
            (),
            (),
            0,
        )

    def test_versions_start_at_one_and_leave_no_gaps(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event(n=1), new_event(n=2)], 0)
        self.append(store, clock, [new_event(n=3)], 2)
        self.append(store, clock, [new_event(n=4), new_event(n=5), new_event(n=6)], 3)
        events = store.load(STREAM).events
        assert [e.version for e in events] == [1, 2, 3, 4, 5, 6]
        assert [e.data["n"] for e in events] == [1, 2, 3, 4, 5, 6]

    def test_an_append_at_a_stale_version_raises_and_writes_nothing(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event(n=1)], 0)
        with pytest.raises(ConcurrencyError):
            self.append(store, clock, [new_event(n=2)], 0)
        assert [e.data for e in store.load(STREAM).events] == [{"n": 1}]

    def test_a_multi_event_append_is_all_or_nothing(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event(n=1)], 0)
        with pytest.raises(ConcurrencyError):
            self.append(store, clock, [new_event(n=2), new_event(n=3), new_event(n=4)], 0)
        assert [e.version for e in store.read(STREAM)] == [1]

    def test_an_idempotency_record_is_stored_beside_the_events(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        now = clock.now().replace(microsecond=750000)
        self.append(store, clock, [new_event(), new_event()], 0, idempotency=record(now))
        loaded = store.load(STREAM)
        stored = loaded.idempotency_record(OWNER, "key-1")
        # Expiry is kept in whole seconds (the TTL attribute), rounded down.
        assert stored == record(now.replace(microsecond=0))
        assert loaded.idempotency == (stored,)
        assert loaded.version == 2
        assert loaded.idempotency_record("user-2", "key-1") is None

    def test_a_record_expires_at_its_expiry_second(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event()], 0, idempotency=record(clock.now()))
        stored = store.load(STREAM).idempotency_record(OWNER, "key-1")
        assert stored is not None
        expiry = clock.now() + timedelta(hours=24)
        assert not stored.is_expired(expiry - timedelta(microseconds=1))
        assert stored.is_expired(expiry)

    def test_a_live_record_under_the_same_key_raises_duplicate_request_and_writes_nothing(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event(n=1)], 0, idempotency=record(clock.now()))
        clock.advance(timedelta(hours=23))
        with pytest.raises(DuplicateRequestError):
            self.append(store, clock, [new_event(n=2)], 1, idempotency=record(clock.now()))
        loaded = store.load(STREAM)
        assert loaded.version == 1
        assert loaded.idempotency == (record(clock.now() - timedelta(hours=23)),)

    def test_a_stale_version_wins_over_a_duplicate_key(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event(n=1)], 0, idempotency=record(clock.now()))
        with pytest.raises(ConcurrencyError):
            self.append(store, clock, [new_event(n=2)], 0, idempotency=record(clock.now()))

    def test_an_expired_record_can_be_replaced(self, store: EventStore, clock: FixedClock) -> None:
        first = record(clock.now())
        self.append(store, clock, [new_event(n=1)], 0, idempotency=first)
        clock.set(first.expires_at)
        replacement = record(clock.now())
        self.append(store, clock, [new_event(n=2)], 1, idempotency=replacement)
        loaded = store.load(STREAM)
        assert loaded.version == 2
        assert loaded.idempotency == (replacement,)

    def test_two_users_keys_do_not_collide(self, store: EventStore, clock: FixedClock) -> None:
        self.append(store, clock, [new_event()], 0, idempotency=record(clock.now()))
        other = record(clock.now(), user_id="user-2")
        self.append(store, clock, [new_event()], 1, idempotency=other)
        assert store.load(STREAM).idempotency_record("user-2", "key-1") == other

    def test_two_tenants_streams_with_the_same_contact_id_are_isolated(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        other = StreamId("tenant-b", STREAM.contact_id)
        self.append(store, clock, [new_event(tenant="a")], 0, idempotency=record(clock.now()))
        store.append(
            other,
            [new_event(tenant="b")],
            expected_version=0,
            owner_id="user-b",
            recorded_at=clock.now(),
        )
        mine, theirs = store.load(STREAM), store.load(other)
        assert [(e.stream, e.data, e.owner_id) for e in mine.events] == [
            (STREAM, {"tenant": "a"}, OWNER)
        ]
        assert [(e.stream, e.data, e.owner_id) for e in theirs.events] == [
            (other, {"tenant": "b"}, "user-b")
        ]
        assert theirs.idempotency == ()

    def test_read_returns_only_the_events_after_a_version_oldest_first(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event(n=n) for n in range(1, 6)], 0)
        self.append(store, clock, [new_event(n=6)], 5, idempotency=record(clock.now()))
        assert [e.version for e in store.read(STREAM)] == [1, 2, 3, 4, 5, 6]
        assert [e.version for e in store.read(STREAM, after_version=3)] == [4, 5, 6]
        assert store.read(STREAM, after_version=6) == []
        assert store.read(StreamId("tenant-a", "nobody")) == []

    def test_redact_replaces_data_and_removes_idempotency_records(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(
            store,
            clock,
            [new_event(name="Zoë"), new_event(n=2)],
            0,
            idempotency=record(clock.now()),
        )
        self.append(
            store, clock, [new_event(name="Zoë again")], 2, idempotency=record(clock.now(), "key-2")
        )
        before = store.load(STREAM)
        store.redact(STREAM, {1: {"name": None}, 3: {"redacted": True}})
        after = store.load(STREAM)
        assert [e.data for e in after.events] == [{"name": None}, {"n": 2}, {"redacted": True}]
        assert [(e.type, e.occurred_at, e.event_id) for e in after.events] == [
            (e.type, e.occurred_at, e.event_id) for e in before.events
        ]
        assert after.idempotency == ()

    def test_redacting_a_missing_version_raises_and_changes_nothing(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event(name="Zoë")], 0, idempotency=record(clock.now()))
        before = store.load(STREAM)
        with pytest.raises(ValueError, match="no versions"):
            store.redact(STREAM, {1: {}, 2: {}})
        assert store.load(STREAM) == before

    def test_returned_data_cannot_change_the_stored_event(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        data: dict[str, Any] = {"tags": ["a"]}
        (appended,) = self.append(store, clock, [NewEvent("x", data, clock.now())], 0)
        data["tags"].append("mutated")
        appended.data["tags"].append("mutated too")
        store.load(STREAM).events[0].data["tags"].append("and again")
        assert store.load(STREAM).events[0].data == {"tags": ["a"]}

    def test_twenty_concurrent_appends_at_one_version_have_exactly_one_winner(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        start = threading.Barrier(20)

        def attempt(n: int) -> str:
            start.wait()
            try:
                self.append(store, clock, [new_event(writer=n)], 0)
            except ConcurrencyError:
                return "lost"
            return "won"

        with ThreadPoolExecutor(max_workers=20) as pool:
            outcomes = list(pool.map(attempt, range(20)))
        assert sorted(outcomes) == ["lost"] * 19 + ["won"]
        assert len(store.load(STREAM).events) == 1

    def test_an_empty_append_is_refused(self, store: EventStore, clock: FixedClock) -> None:
        with pytest.raises(ValueError, match="at least one event"):
            self.append(store, clock, [], 0, idempotency=record(clock.now()))
        assert store.load(STREAM).idempotency == ()

    def test_an_append_holds_at_most_one_hundred_items(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        # With a key, two of the hundred are the record and the key's claim.
        with pytest.raises(ValueError, match="at most 100 items"):
            self.append(store, clock, [new_event()] * 99, 0, idempotency=record(clock.now()))
        with pytest.raises(ValueError, match="at most 100 items"):
            self.append(store, clock, [new_event()] * 101, 0)
        self.append(store, clock, [new_event()] * 98, 0, idempotency=record(clock.now()))
        assert store.load(STREAM).version == 98

    @pytest.mark.parametrize(
        "stream", [StreamId("a#C#b", "c"), StreamId("a", "b#C#c"), StreamId("", "c")]
    )
    def test_ids_that_could_collide_in_a_key_are_refused(
        self, store: EventStore, clock: FixedClock, stream: StreamId
    ) -> None:
        with pytest.raises(ValueError, match="free of '#'"):
            store.load(stream)
        with pytest.raises(ValueError, match="free of '#'"):
            store.append(
                stream, [new_event()], expected_version=0, owner_id=OWNER, recorded_at=clock.now()
            )

    def test_naive_times_and_non_json_data_are_refused(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            self.append(store, clock, [NewEvent("x", {}, datetime(2026, 1, 1))], 0)
        with pytest.raises(ValueError, match="JSON"):
            self.append(store, clock, [new_event(score=float("nan"))], 0)
        assert store.load(STREAM).events == ()

    # A key is the user's, across every stream of their tenant: the claim.

    def test_an_idempotent_append_claims_its_key_for_the_user(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        now = clock.now().replace(microsecond=750000)
        self.append(store, clock, [new_event()], 0, idempotency=record(now))

        claim = store.key_claim("tenant-a", OWNER, "key-1")

        expiry = now.replace(microsecond=0) + timedelta(hours=24)
        assert claim == KeyClaim("tenant-a", OWNER, "key-1", "sha256:abc", expiry)
        assert not claim.is_expired(expiry - timedelta(microseconds=1))
        assert claim.is_expired(expiry)
        assert store.key_claim("tenant-a", OWNER, "key-2") is None
        assert store.key_claim("tenant-a", "user-2", "key-1") is None
        assert store.key_claim("tenant-b", OWNER, "key-1") is None

    def test_a_plain_append_claims_no_key(self, store: EventStore, clock: FixedClock) -> None:
        self.append(store, clock, [new_event()], 0)
        assert claimed_by(store, "tenant-a", OWNER) is None

    def test_a_key_claimed_on_one_stream_refuses_another_stream_and_writes_nothing(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event(n=1)], 0, idempotency=record(clock.now()))
        clock.advance(timedelta(hours=23))
        other = record(clock.now(), request_hash="sha256:other")

        with pytest.raises(KeyClaimedError) as refusal:
            store.append(
                OTHER_CONTACT,
                [new_event(n=2)],
                expected_version=0,
                owner_id=OWNER,
                recorded_at=clock.now(),
                idempotency=other,
            )

        assert refusal.value.key == "key-1"
        assert store.load(OTHER_CONTACT) == LoadedStream(OTHER_CONTACT)
        assert claimed_by(store, "tenant-a", OWNER) == "sha256:abc"

    def test_a_keys_claim_is_per_user_and_per_tenant(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event()], 0, idempotency=record(clock.now()))
        for stream, user in ((OTHER_CONTACT, "user-2"), (StreamId("tenant-b", "c-9"), OWNER)):
            theirs = record(clock.now(), user_id=user, request_hash="sha256:theirs")
            store.append(
                stream,
                [new_event()],
                expected_version=0,
                owner_id=user,
                recorded_at=clock.now(),
                idempotency=theirs,
            )
            assert claimed_by(store, stream.tenant_id, user) == "sha256:theirs"
        assert claimed_by(store, "tenant-a", OWNER) == "sha256:abc"

    def test_an_expired_claim_may_be_taken_on_another_stream(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        first = record(clock.now())
        self.append(store, clock, [new_event()], 0, idempotency=first)
        clock.set(first.expires_at)
        later = record(clock.now(), request_hash="sha256:later")
        store.append(
            OTHER_CONTACT,
            [new_event()],
            expected_version=0,
            owner_id=OWNER,
            recorded_at=clock.now(),
            idempotency=later,
        )
        assert claimed_by(store, "tenant-a", OWNER) == "sha256:later"
        assert store.load(OTHER_CONTACT).version == 1

    def test_a_stale_version_wins_over_a_key_claimed_elsewhere(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event()], 0)
        store.append(
            OTHER_CONTACT,
            [new_event()],
            expected_version=0,
            owner_id=OWNER,
            recorded_at=clock.now(),
            idempotency=record(clock.now()),
        )
        with pytest.raises(ConcurrencyError):
            self.append(store, clock, [new_event()], 0, idempotency=record(clock.now(), "key-1"))

    def test_twenty_concurrent_appends_with_one_key_on_twenty_streams_have_one_winner(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        start = threading.Barrier(20)
        streams = [StreamId("tenant-a", f"contact-{n}") for n in range(20)]

        def attempt(n: int) -> str:
            claim = record(clock.now(), request_hash=f"sha256:{n}")
            start.wait()
            try:
                store.append(
                    streams[n],
                    [new_event(writer=n)],
                    expected_version=0,
                    owner_id=OWNER,
                    recorded_at=clock.now(),
                    idempotency=claim,
                )
            except (KeyClaimedError, ConcurrencyError):
                return "lost"  # ConcurrencyError: DynamoDB's TransactionConflict, retried
            return "won"

        with ThreadPoolExecutor(max_workers=20) as pool:
            outcomes = list(pool.map(attempt, range(20)))
        assert sorted(outcomes) == ["lost"] * 19 + ["won"]
        written = [stream for stream in streams if store.load(stream).events]
        assert len(written) == 1
        winner = written[0].contact_id.removeprefix("contact-")
        assert claimed_by(store, "tenant-a", OWNER) == f"sha256:{winner}"

    def test_redact_frees_the_keys_the_streams_records_claimed(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event(name="Zoë")], 0, idempotency=record(clock.now()))
        store.redact(STREAM, {1: {"name": None}})
        assert claimed_by(store, "tenant-a", OWNER) is None

    def test_redact_leaves_a_claim_another_request_took_since(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        first = record(clock.now())
        self.append(store, clock, [new_event(name="Zoë")], 0, idempotency=first)
        clock.set(first.expires_at)  # the record has expired, but TTL has not removed it yet
        later = record(clock.now(), request_hash="sha256:later")
        store.append(
            OTHER_CONTACT,
            [new_event()],
            expected_version=0,
            owner_id=OWNER,
            recorded_at=clock.now(),
            idempotency=later,
        )

        store.redact(STREAM, {1: {"name": None}})

        assert store.load(STREAM).idempotency == ()
        assert claimed_by(store, "tenant-a", OWNER) == "sha256:later"
        assert store.load(OTHER_CONTACT).idempotency_record(OWNER, "key-1") is not None

    def test_started_names_exactly_the_streams_that_hold_a_first_event(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        self.append(store, clock, [new_event()], 0)
        elsewhere = StreamId("tenant-b", STREAM.contact_id)  # the same id in another tenant
        many = [StreamId("tenant-a", f"absent-{n}") for n in range(230)]  # more than a batch

        assert store.started([STREAM, OTHER_CONTACT, elsewhere, *many]) == {STREAM}
        assert store.started([]) == set()

    def test_start_streams_writes_each_first_event_in_batches(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        starts = [
            StreamStart(StreamId("tenant-a", f"c{n}"), new_event(name=f"Zoë {n}"), OWNER)
            for n in range(60)  # three batches of DynamoDB's 25
        ]

        stored = store.start_streams(starts, recorded_at=clock.now())

        assert [event.version for event in stored] == [1] * 60
        assert store.started([start.stream for start in starts]) == {s.stream for s in starts}
        loaded = store.load(StreamId("tenant-a", "c42"))
        assert [(e.version, e.data, e.owner_id) for e in loaded.events] == [
            (1, {"name": "Zoë 42"}, OWNER)
        ]
        assert loaded.events[0].recorded_at == clock.now()

    def test_a_started_stream_takes_its_next_version_with_the_usual_lock(
        self, store: EventStore, clock: FixedClock
    ) -> None:
        store.start_streams([StreamStart(STREAM, new_event(), OWNER)], recorded_at=clock.now())

        with pytest.raises(ConcurrencyError):
            self.append(store, clock, [new_event()], 0)
        assert [e.version for e in self.append(store, clock, [new_event()], 1)] == [2]


class TestInMemoryEventStore(EventStoreContract):
    @pytest.fixture
    def store(self) -> EventStore:
        return InMemoryEventStore()


class TestDynamoDBEventStore(EventStoreContract):
    @pytest.fixture
    def store(self, aws_mock: None, settings: Settings) -> EventStore:
        return DynamoDBEventStore(aws.client("dynamodb", settings), settings.events_table)
