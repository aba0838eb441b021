"""What the application needs from an event store, independent of where events are kept.

A stream is one contact's history. Events are plain data here (type, schema version, a JSON
dict); turning them into domain models is the application's job, so the store never changes
when an event's schema does.

An `Idempotency-Key` is the user's, across all their contacts and every POST: the append that
keeps a request's first answer beside the events (`IdempotencyRecord`, where the command's one
load finds it for a replay) also claims the key for the user (`KeyClaim`) in the same atomic
write, so no two requests can ever both own one key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class StreamId:
    """A contact's stream, always qualified by its tenant so no key can cross tenants."""

    tenant_id: str
    contact_id: str


@dataclass(frozen=True)
class NewEvent:
    """An event the domain decided on, before the store gives it a version."""

    type: str
    data: dict[str, Any]
    occurred_at: datetime
    schema_version: int = 1
    event_id: str = ""
    actor: str = ""
    correlation_id: str = ""


@dataclass(frozen=True)
class StoredEvent:
    """An event as recorded: versions start at 1 and have no gaps within a stream."""

    stream: StreamId
    version: int
    type: str
    data: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime
    schema_version: int
    event_id: str
    actor: str
    correlation_id: str
    owner_id: str


@dataclass(frozen=True)
class IdempotencyRecord:
    """The first response to a request made with an `Idempotency-Key`, kept for replays."""

    user_id: str
    key: str
    request_hash: str
    status: int
    body: dict[str, Any]
    expires_at: datetime

    def is_expired(self, now: datetime) -> bool:
        """True once the record may be replaced: stores keep `expires_at` in whole seconds.

        `load` still returns expired records because DynamoDB's TTL deletes them up to days
        late, so a caller replays a record only while this is False. The boundary matches the
        stores' replace condition (`expires_at <= now`).
        """
        return self.expires_at <= now


@dataclass(frozen=True)
class KeyClaim:
    """Which request took a user's `Idempotency-Key`, until when.

    It holds no answer (the stream's record does), so erasing a contact leaves nothing personal
    in it; a request's hash alone tells "the same request again" from "another request".
    """

    tenant_id: str
    user_id: str
    key: str
    request_hash: str
    expires_at: datetime

    def is_expired(self, now: datetime) -> bool:
        """True once another request may take the key (the same boundary as a record's)."""
        return self.expires_at <= now


@dataclass(frozen=True)
class LoadedStream:
    """A stream read for a command: its events and every idempotency record kept beside them.

    The records may include expired ones (see `IdempotencyRecord.is_expired`).
    """

    stream: StreamId
    events: tuple[StoredEvent, ...] = ()
    idempotency: tuple[IdempotencyRecord, ...] = field(default=())

    @property
    def version(self) -> int:
        return self.events[-1].version if self.events else 0

    def idempotency_record(self, user_id: str, key: str) -> IdempotencyRecord | None:
        """The record for this user's key, expired or not: check `is_expired` before replaying."""
        for record in self.idempotency:
            if record.user_id == user_id and record.key == key:
                return record
        return None


@dataclass(frozen=True)
class StreamStart:
    """The first event of a new stream, for `EventStore.start_streams` (an import)."""

    stream: StreamId
    event: NewEvent
    owner_id: str


class EventStoreError(Exception):
    """Base of the event store's errors."""


class ConcurrencyError(EventStoreError):
    """Another writer appended at the expected version first: reload and decide again."""


class DuplicateRequestError(EventStoreError):
    """An idempotency record for this key was written concurrently: reload and replay it."""


class KeyClaimedError(EventStoreError):
    """Another request holds a live claim on the user's key (on another stream): nothing was
    written, and this request must not reuse the key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"another request holds a live claim on the key {key!r}")
        self.key = key


class EventStore(Protocol):
    """Appends to and reads contact streams, with an optimistic version check."""

    def load(self, stream: StreamId) -> LoadedStream:
        """Reads a whole stream and its idempotency records in one strongly consistent read."""
        ...

    def read(self, stream: StreamId, after_version: int = 0) -> list[StoredEvent]:
        """Reads the events after a version, oldest first, strongly consistent."""
        ...

    def append(
        self,
        stream: StreamId,
        events: Sequence[NewEvent],
        *,
        expected_version: int,
        owner_id: str,
        recorded_at: datetime,
        idempotency: IdempotencyRecord | None = None,
    ) -> list[StoredEvent]:
        """Appends events after `expected_version` atomically, or raises ConcurrencyError.

        The lock is "no event exists yet at the versions written", so `expected_version` must
        come from a `load`/`read` of this stream. An idempotency record is written in the same
        atomic step, with the claim of its key for its user across the tenant. Errors, in this
        order of precedence: ConcurrencyError (the stream moved on, or another transaction held
        an item), DuplicateRequestError (a live record under the key on this stream),
        KeyClaimedError (a live claim on the key by a request elsewhere).
        """
        ...

    def key_claim(self, tenant_id: str, user_id: str, key: str) -> KeyClaim | None:
        """The claim on a user's key, expired or not, in one strongly consistent read."""
        ...

    def started(self, streams: Sequence[StreamId]) -> set[StreamId]:
        """Which of these streams hold a first event, strongly consistent, read in batches
        (100 streams a request on DynamoDB) rather than one load each."""
        ...

    def start_streams(
        self, starts: Sequence[StreamStart], *, recorded_at: datetime
    ) -> list[StoredEvent]:
        """Writes the first event (version 1) of each new stream in batches (25 a request on
        DynamoDB): an import of a thousand contacts in 40 writes, not a thousand.

        Batched writes take no condition, so this is only for streams whose ids nothing else
        can pick (ids derived from the contact, see `service/contact_import.py`) and which
        `started` just found empty: a concurrent import of the same row writes the same event.
        A failure part-way leaves the streams before it written, each whole; starting the rest
        again is safe.
        """
        ...

    def redact(self, stream: StreamId, replacements: dict[int, dict[str, Any]]) -> None:
        """Erasure only: overwrites the data of the given versions, drops the stream's
        idempotency records (their answers hold personal data) and frees the keys they claimed."""
        ...
