"""Idempotency keys: the same key and request replay the first result; any other request is refused.

A key is the user's, across every POST and every contact (Stripe's rule): the same key with the
same method, path and body within 24 h gets the first answer again and writes nothing; with any
other request it is refused (a 409 naming the key). The first answer is kept beside the
contact's events, where the command's one Query finds it for a replay; the store claims the key
for the user in the same write, so a key used elsewhere makes that write fail instead of
landing twice. Records kept before claims existed have no claim: they still replay on their
own stream for the rest of their 24 h.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.eventstore.port import IdempotencyRecord, KeyClaim, LoadedStream
from chalicelib.service.errors import IdempotencyKeyReusedError
from chalicelib.service.results import CommandResult

KEEP_FOR = timedelta(hours=24)
# The store keeps a number beside each record's body; records written before the service
# returned results hold the HTTP status there. Statuses are the edge's alone now, so new
# records hold this, and every record replays from its body (the same shape either way).
NO_STATUS = 0
_CONTACT_IDS = uuid.UUID("8d7f1f0e-5a7b-4f5e-9a51-6f0c2b7f4a11")


@dataclass(frozen=True)
class IdempotencyRequest:
    """The `Idempotency-Key` of a request and a hash of what was asked."""

    key: str
    request_hash: str

    @classmethod
    def of(cls, key: str, method: str, path: str, body: Any) -> IdempotencyRequest:
        canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
        return cls(key, hashlib.sha256(canonical.encode()).hexdigest())

    def record(self, user_id: str, result: CommandResult, now: datetime) -> IdempotencyRecord:
        """The record that lets this request's retries get `result` again for 24 hours."""
        return IdempotencyRecord(
            user_id, self.key, self.request_hash, NO_STATUS, result.to_record(), now + KEEP_FOR
        )


def earlier_result(
    loaded: LoadedStream, user_id: str, request: IdempotencyRequest | None, now: datetime
) -> CommandResult | None:
    """The first result for this key if it is still kept; IdempotencyKeyReusedError if the key
    came with another body."""
    if request is None:
        return None
    record = loaded.idempotency_record(user_id, request.key)
    if record is None or record.is_expired(now):
        return None
    if record.request_hash != request.request_hash:
        raise key_reused(request.key)
    return CommandResult.replay_of(record.body)


def refuse_if_claimed_by_another(
    claim: KeyClaim | None, request: IdempotencyRequest, now: datetime
) -> None:
    """IdempotencyKeyReusedError when another request holds a live claim on the key: that
    answer goes before any other refusal of this request, as it would before its write."""
    if claim is None or claim.is_expired(now) or claim.request_hash == request.request_hash:
        return
    raise key_reused(request.key)


def key_reused(key: str) -> IdempotencyKeyReusedError:
    return IdempotencyKeyReusedError(
        f"the Idempotency-Key {key!r} was already used for another request in the last 24 hours:"
        " send each new request with a new key"
    )


def contact_id_for_key(tenant_id: str, user_id: str, key: str, generation: int = 0) -> str:
    """A creation retried with the same key must land on the same contact stream, so the
    stream's own conditional write rejects the duplicate even under a race.

    A key reused after its 24 h makes a new contact: the next generation of the key's ids.
    Tenant ids never start with `[`, so a later generation's name never equals a first one's.
    """
    name = f"{tenant_id}/{user_id}/{key}"
    if generation:
        name = json.dumps([tenant_id, user_id, key, generation])
    return uuid.uuid5(_CONTACT_IDS, name).hex
