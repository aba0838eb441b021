"""Commands on a contact: load its stream, fold, let the domain decide, append with a version check.

A command costs one strongly consistent Query and one write. A lost race reloads and decides
again (the winner may have made the step pointless), a few times, then gives up with
WriteConflictError. Each command returns a `CommandResult`; the HTTP edge decides how to answer.
With an `Idempotency-Key` the write also claims the key for the user (`service/idempotency.py`):
a key another request holds fails that write, and a refused step reads the claim to say so.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol

from chalicelib.clock import Clock
from chalicelib.domain import events as ev
from chalicelib.domain.errors import DomainError
from chalicelib.domain.fold import evolve
from chalicelib.domain.rules import aimed, check_allowed
from chalicelib.domain.state import ContactState, Envelope
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.mapper import new_event
from chalicelib.eventstore.port import (
    ConcurrencyError,
    DuplicateRequestError,
    EventStore,
    KeyClaimedError,
    LoadedStream,
    StreamId,
)
from chalicelib.retry import RetryPolicy
from chalicelib.service.errors import (
    ContactNotFoundError,
    ServiceError,
    VersionMismatchError,
    WriteConflictError,
)
from chalicelib.service.history import state_of
from chalicelib.service.idempotency import (
    IdempotencyRequest,
    contact_id_for_key,
    earlier_result,
    key_reused,
    refuse_if_claimed_by_another,
)
from chalicelib.service.presenter import contact_public
from chalicelib.service.results import CommandResult, EventRef
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.telemetry import count
from chalicelib.timefmt import iso

# Seconds; the ceiling of the jittered wait doubles with every race lost.
RETRY_BASE_DELAY = 0.01


class Caller(Protocol):
    """Who is asking, from the verified token only (read-only, as a frozen Identity is)."""

    @property
    def tenant_id(self) -> str: ...

    @property
    def user_id(self) -> str: ...

    @property
    def email(self) -> str: ...


class ContactCommands:
    """Adds contacts and records their steps."""

    def __init__(
        self,
        store: EventStore,
        settings: SettingsRepository,
        clock: Clock,
        *,
        max_attempts: int = 10,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._retry = RetryPolicy(max_attempts, RETRY_BASE_DELAY, sleep)

    def add_contact(
        self, caller: Caller, details: ev.ContactAdded, idempotency: IdempotencyRequest | None
    ) -> CommandResult:
        """Starts a new contact's stream with `contact_added`."""
        with _refusals_counted("add_contact"):
            return self._add_contact(caller, details, idempotency)

    def _add_contact(
        self, caller: Caller, details: ev.ContactAdded, idempotency: IdempotencyRequest | None
    ) -> CommandResult:
        self._remembered_settings(caller)  # also warms the cache _try_append reads
        generation = 0
        for attempt in self._retry.attempts():
            while True:
                stream = _new_stream(caller, idempotency, generation)
                # Without a key a fresh random id cannot have history: skip the read entirely.
                loaded = self._store.load(stream) if idempotency else LoadedStream(stream)
                replay = self._replay(loaded, caller, idempotency)
                if replay is not None:
                    return replay
                if not loaded.events:
                    break
                # This key made a contact before and its 24 h are over: a new request, whose
                # contact takes the key's next id, so that its own retries find its record.
                generation += 1
            state = ContactState(contact_id=stream.contact_id, owner_id=caller.user_id)
            result = self._try_append(caller, stream, state, details, None, idempotency)
            if result is not None:
                return result
            attempt.failed()
        raise WriteConflictError("could not create the contact, please retry")

    def record_step(
        self,
        caller: Caller,
        contact_id: str,
        data: ev.EventData,
        *,
        occurred_at: datetime | None = None,
        if_match: int | None = None,
        idempotency: IdempotencyRequest | None = None,
    ) -> CommandResult:
        """Appends one step to an existing contact, if the domain allows it now."""
        with _refusals_counted("record_step"):
            return self._record_step(caller, contact_id, data, occurred_at, if_match, idempotency)

    def _record_step(
        self,
        caller: Caller,
        contact_id: str,
        data: ev.EventData,
        occurred_at: datetime | None,
        if_match: int | None,
        idempotency: IdempotencyRequest | None,
    ) -> CommandResult:
        stream = StreamId(caller.tenant_id, contact_id)
        for attempt in self._retry.attempts():
            loaded = self._store.load(stream)
            replay = self._replay(loaded, caller, idempotency)
            if replay is not None:
                return replay
            with self._key_decides_first(caller, idempotency):
                at = occurred_at or self._clock.now()
                settings = self._user_settings(caller)
                state = _allowed(caller, contact_id, loaded, data, if_match, at, settings)
                recorded = aimed(state, data, settings, at)
            result = self._try_append(caller, stream, state, recorded, occurred_at, idempotency)
            if result is not None:
                return result
            # With If-Match the reload settles it: a replay when the winner was this very
            # request sent twice, else a VersionMismatchError naming the version that won.
            attempt.failed()
        raise WriteConflictError("other changes to this contact kept winning, please retry")

    def _replay(
        self, loaded: LoadedStream, caller: Caller, idempotency: IdempotencyRequest | None
    ) -> CommandResult | None:
        return earlier_result(loaded, caller.user_id, idempotency, self._clock.now())

    @contextmanager
    def _key_decides_first(
        self, caller: Caller, idempotency: IdempotencyRequest | None
    ) -> Iterator[None]:
        """A refused step writes nothing, so only a refusal reads its key's claim (one GetItem):
        a key another request holds is the answer then, as it would have been at the write."""
        try:
            yield
        except (ContactNotFoundError, VersionMismatchError, DomainError):
            if idempotency is not None:
                claim = self._store.key_claim(caller.tenant_id, caller.user_id, idempotency.key)
                refuse_if_claimed_by_another(claim, idempotency, self._clock.now())
            raise

    def _try_append(
        self,
        caller: Caller,
        stream: StreamId,
        state: ContactState,
        data: ev.EventData,
        occurred_at: datetime | None,
        idempotency: IdempotencyRequest | None,
    ) -> CommandResult | None:
        """Appends one event at the state's version; None when another writer got there first."""
        now = self._clock.now()
        occurred = occurred_at or now
        new_state = evolve(state, Envelope(state.version + 1, data, occurred, now, caller.user_id))
        result = CommandResult(
            contact=contact_public(new_state, self._user_settings(caller), now),
            event=EventRef(new_state.version, data.event_type, iso(occurred)),
        )
        event = new_event(data, occurred, caller.user_id)  # the request's correlation id
        record = idempotency.record(caller.user_id, result, now) if idempotency else None
        try:
            self._store.append(
                stream,
                [event],
                expected_version=state.version,
                owner_id=new_state.owner_id,
                recorded_at=now,
                idempotency=record,
            )
        except (ConcurrencyError, DuplicateRequestError):
            count("ConflictsRetried")
            return None
        except KeyClaimedError as error:
            raise key_reused(error.key) from None
        count("StepsRecorded", type=data.event_type)
        return result

    def _remembered_settings(self, caller: Caller) -> UserSettings:
        """Reminders need an address long after the token is gone: a user's first contact
        saves default settings with the token's email, in the same request that reads them."""
        default = UserSettings(email=caller.email or None)
        return self._settings.get_or_create(caller.tenant_id, caller.user_id, default)

    def _user_settings(self, caller: Caller) -> UserSettings:
        saved = self._settings.get(caller.tenant_id, caller.user_id)
        return saved or UserSettings(email=caller.email or None)


@contextmanager
def _refusals_counted(command: str) -> Iterator[None]:
    """Counts each refusal by command and reason (the error's name: `StepNotAllowed`, …)."""
    try:
        yield
    except (DomainError, ServiceError) as error:
        count("CommandsRefused", command=command, reason=type(error).__name__.removesuffix("Error"))
        raise


def _allowed(
    caller: Caller,
    contact_id: str,
    loaded: LoadedStream,
    data: ev.EventData,
    if_match: int | None,
    at: datetime,
    settings: UserSettings,
) -> ContactState:
    """The contact's state, if it is the caller's, `If-Match` holds and the step fits now,
    `at` being when it happened (a step cannot be dated before what it follows), under the
    user's `settings` (how many follow-ups they allow)."""
    state = state_of(contact_id, loaded.events)
    if not state.exists or state.owner_id != caller.user_id:
        raise ContactNotFoundError(contact_id)
    if if_match is not None and if_match != state.version:
        raise VersionMismatchError(if_match, state.version)
    check_allowed(state, data, at, settings)
    return state


def _new_stream(
    caller: Caller, idempotency: IdempotencyRequest | None, generation: int
) -> StreamId:
    """A new contact's stream: a random id, or the key's id of this generation."""
    if idempotency is None:
        return StreamId(caller.tenant_id, uuid.uuid4().hex)
    key_id = contact_id_for_key(caller.tenant_id, caller.user_id, idempotency.key, generation)
    return StreamId(caller.tenant_id, key_id)
