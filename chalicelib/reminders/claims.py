"""Claims: the conditional write that lets exactly one sweep email a reminder.

A claim item sits beside the user's read models in the views table, at
`T#{t}#U#{u}` / `CLAIM#{contact}#{action}#{due_at}`, and lives through two states: `claimed`
(a sweep is about to send) and `sent` (with SES's message id). A failed send deletes the claim
so the next sweep tries again; a claim left `claimed` by a crash is never retried, because
whether its email left is unknown and a second copy is worse than a missing one.

Beside them, a lease (`T#{t}#U#{u}` / `SWEEP_LEASE`) lets one sweep at a time work on a user,
so that overlapping sweeps still send a user one digest, not one each.

Both expire through the table's TTL (`purge_at`, epoch seconds) long after `reminder_sent`
made them irrelevant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.projections import keys
from chalicelib.reminders.due_items import DueReminder
from chalicelib.timefmt import iso, parse_iso

CLAIM_PREFIX = "CLAIM#"
LEASE_SK = "SWEEP_LEASE"
KEEP_CLAIMS_FOR = timedelta(days=14)


class ClaimState(StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"


@dataclass(frozen=True)
class Claim:
    """A claim another sweep (or an earlier run) already holds."""

    state: ClaimState
    claimed_at: datetime
    sweep_id: str
    message_id: str | None = None


def claim_sk(reminder: DueReminder) -> str:
    _, contact, action, due_at = reminder.identity
    return f"{CLAIM_PREFIX}{contact}#{action}#{due_at}"


class ClaimStore:
    """Claims in the views table, written only with conditions."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def claim(self, reminder: DueReminder, sweep_id: str, now: datetime) -> Claim | None:
        """None when `sweep_id` now holds the claim; otherwise the claim that was there."""
        item = {
            **self._key(reminder),
            "state": {"S": ClaimState.CLAIMED.value},
            "claimed_at": {"S": iso(now)},
            "sweep_id": {"S": sweep_id},
            "purge_at": {"N": str(math.floor((now + KEEP_CLAIMS_FOR).timestamp()))},
        }
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(PK)",
                # The holder comes back with the refusal: no second read to learn its state.
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return _claim_of(error.response.get("Item") or self._read(reminder), now)
        return None

    def mark_sent(self, reminder: DueReminder, sweep_id: str, message_id: str) -> bool:
        """Records the message id on our own claim; False if it is no longer ours to change."""
        return self._conditional(
            "update_item",
            reminder,
            UpdateExpression="SET #state = :sent, message_id = :mid",
            ConditionExpression="sweep_id = :me AND #state = :claimed",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={
                ":sent": {"S": ClaimState.SENT.value},
                ":claimed": {"S": ClaimState.CLAIMED.value},
                ":mid": {"S": message_id},
                ":me": {"S": sweep_id},
            },
        )

    def release(self, reminder: DueReminder, sweep_id: str) -> bool:
        """Gives up our claim after a send that surely failed, so the next sweep retries."""
        return self._conditional(
            "delete_item",
            reminder,
            ConditionExpression="sweep_id = :me AND #state = :claimed",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={
                ":claimed": {"S": ClaimState.CLAIMED.value},
                ":me": {"S": sweep_id},
            },
        )

    def hold_user(
        self, user: tuple[str, str], sweep_id: str, now: datetime, duration: timedelta
    ) -> bool:
        """Takes the user's lease unless another sweep holds a live one."""
        until = now + duration
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    **_lease_key(user),
                    "sweep_id": {"S": sweep_id},
                    "leased_until": {"N": str(math.floor(until.timestamp()))},
                    "purge_at": {"N": str(math.floor((until + KEEP_CLAIMS_FOR).timestamp()))},
                },
                # A crashed sweep's lease simply runs out.
                ConditionExpression="attribute_not_exists(PK) OR leased_until < :now",
                ExpressionAttributeValues={":now": {"N": str(math.floor(now.timestamp()))}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def release_user(self, user: tuple[str, str], sweep_id: str) -> bool:
        return self._conditional(
            "delete_item",
            _lease_key(user),
            ConditionExpression="sweep_id = :me",
            ExpressionAttributeValues={":me": {"S": sweep_id}},
        )

    def _conditional(
        self, operation: str, target: DueReminder | dict[str, Any], **kwargs: Any
    ) -> bool:
        key = self._key(target) if isinstance(target, DueReminder) else target
        try:
            getattr(self._client, operation)(TableName=self._table, Key=key, **kwargs)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def _read(self, reminder: DueReminder) -> dict[str, Any]:
        response = self._client.get_item(
            TableName=self._table, Key=self._key(reminder), ConsistentRead=True
        )
        return dict(response.get("Item") or {})

    def _key(self, reminder: DueReminder) -> dict[str, dict[str, str]]:
        return {
            "PK": {"S": keys.user_pk(reminder.tenant_id, reminder.user_id)},
            "SK": {"S": claim_sk(reminder)},
        }


def _lease_key(user: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {"PK": {"S": keys.user_pk(*user)}, "SK": {"S": LEASE_SK}}


def _claim_of(item: dict[str, Any], now: datetime) -> Claim:
    if not item:
        # Released between our refused write and the read: held just now, so the next sweep
        # (not this one) tries again.
        return Claim(ClaimState.CLAIMED, now, "")
    return Claim(
        state=ClaimState(item["state"]["S"]),
        claimed_at=parse_iso(item["claimed_at"]["S"]),
        sweep_id=item["sweep_id"]["S"],
        message_id=item["message_id"]["S"] if "message_id" in item else None,
    )
