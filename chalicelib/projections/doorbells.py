"""What a DynamoDB stream record of the events table asks the projector to look at.

A record is a doorbell, not a delta: it names a contact (an event was written) or a user
(their settings changed). The projector then reads the truth from the events table, so a
duplicated, reordered or lost record cannot make a read model wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.eventstore.codec import EVENT_PREFIX
from chalicelib.tables import SETTINGS_SK

_CHANGES = {"INSERT", "MODIFY"}


@dataclass(frozen=True)
class ContactBell:
    """An event of this contact's stream was written (inserted, or redacted by erasure)."""

    tenant_id: str
    user_id: str
    contact_id: str
    version: int
    sequence_number: str


@dataclass(frozen=True)
class SettingsBell:
    """This user's settings changed: their reminder times and agendas may all move."""

    tenant_id: str
    user_id: str
    sequence_number: str


Doorbell = ContactBell | SettingsBell


class DoorbellError(Exception):
    """Base of the record errors."""


class MalformedRecordError(DoorbellError):
    """A record the projector cannot read; it is reported as failed and logged with its key."""

    def __init__(self, sequence_number: str, keys: object, reason: str) -> None:
        super().__init__(f"record {sequence_number} with keys {keys}: {reason}")
        self.sequence_number = sequence_number
        self.keys = keys


def doorbell(record: Mapping[str, Any]) -> Doorbell | None:
    """The bell a record rings, or None for records no read model depends on (idempotency
    records, TTL removals)."""
    change = record.get("dynamodb") or {}
    sequence_number = str(change.get("SequenceNumber", "?"))
    keys = change.get("Keys") or {}
    try:
        if record.get("eventName") not in _CHANGES:
            return None
        sort_key = keys["SK"]["S"]
        image = change["NewImage"]
        if sort_key.startswith(EVENT_PREFIX):
            return ContactBell(
                tenant_id=image["tenant_id"]["S"],
                user_id=image["owner_id"]["S"],
                contact_id=image["contact_id"]["S"],
                version=int(image["version"]["N"]),
                sequence_number=sequence_number,
            )
        if sort_key == SETTINGS_SK:
            return SettingsBell(image["tenant_id"]["S"], image["user_id"]["S"], sequence_number)
    except (KeyError, TypeError, ValueError) as error:
        raise MalformedRecordError(sequence_number, keys, f"missing or bad {error}") from error
    return None
