"""The sweep's side of the views table: the due index, claims and leases.

The due index is the only cross-tenant read, and always a Query: each shard is one request
(more only past 1 MB or the cap), so a sweep's reads grow with the reminders that are due,
never with the number of contacts or users.

A claim sits beside the user's read models at `T#{t}#U#{u}` / `CLAIM#{contact}#{action}#{due_at}`
and lives through two states: `claimed` (a sweep is about to send) and `sent` (with SES's
message id). A failed send deletes the claim so the next sweep tries again; a claim left
`claimed` by a crash is never retried, because whether its email left is unknown and a second
copy is worse than a missing one. A lease (`T#{t}#U#{u}` / `SWEEP_LEASE`) lets one sweep at a
time work on a user, so overlapping sweeps still send a user one digest, not one each. Both
expire through the table's TTL (`purge_at`, epoch seconds) long after they matter.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.dynamo.errors import is_condition_failure
from chalicelib.dynamo.pages import pages
from chalicelib.tables import DUE
from chalicelib.timefmt import iso, parse_iso
from chalicelib.viewstore import dynamodb_items as items
from chalicelib.viewstore.model import Claim, ClaimState, Reminder, ReminderKey

logger = logging.getLogger(__name__)

CLAIM_PREFIX = "CLAIM#"
LEASE_SK = "SWEEP_LEASE"
KEEP_CLAIMS_FOR = timedelta(days=14)
_HELD_BY_ME = "sweep_id = :me AND #state = :claimed"


def due_bound(now: datetime) -> str:
    """The highest `due_sk` that is due at `now`.

    Cut to whole seconds on purpose: `iso` adds milliseconds only when there are some, and
    `…:00.500Z` sorts before `…:00Z`, which would hide reminders due in that very second.
    """
    return f"{iso(now.astimezone(UTC).replace(microsecond=0))}{items.HIGH}"


def claim_key(reminder: ReminderKey) -> items.Item:
    action, due_at = reminder.action.value, iso(reminder.due_at)
    sk = f"{CLAIM_PREFIX}{reminder.contact_id}#{action}#{due_at}"
    return items.key(items.user_pk(reminder.tenant_id, reminder.user_id), sk)


def lease_key(user: tuple[str, str]) -> items.Item:
    return items.key(items.user_pk(*user), LEASE_SK)


class SweepTable:
    """Finds due reminders, and keeps claims and leases with conditional writes only."""

    def __init__(self, client: Any, table_name: str, shards: int) -> None:
        if shards < 1:
            raise ValueError("the due index needs at least one shard")
        self._client = client
        self._table = table_name
        self._shards = shards

    def due(self, now: datetime, limit: int) -> list[Reminder]:
        # A fair share per shard, so that a backlog in one cannot starve the others.
        per_shard = max(1, limit // self._shards)
        found: list[Reminder] = []
        for shard in range(self._shards):
            found.extend(self._shard(shard, now, per_shard))
        return found

    def drop_due(self, reminder: Reminder) -> bool:
        # Conditional on the `due_sk` that was read: a projector that moved the reminder to
        # another send time meant it, and keeps it.
        return self._conditional(
            "update_item",
            items.reminder_key(reminder.key),
            UpdateExpression="REMOVE due_pk, due_sk",
            ConditionExpression="due_sk = :sk",
            ExpressionAttributeValues={":sk": {"S": items.due_sk(reminder)}},
        )

    def claim(self, key: ReminderKey, sweep_id: str, now: datetime) -> Claim | None:
        item = {
            **claim_key(key),
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
            if not is_condition_failure(error):
                raise
            return _claim_of(error.response.get("Item") or self._read(claim_key(key)), now)
        return None

    def mark_sent(self, key: ReminderKey, sweep_id: str, message_id: str) -> bool:
        return self._conditional(
            "update_item",
            claim_key(key),
            UpdateExpression="SET #state = :sent, message_id = :mid",
            ConditionExpression=_HELD_BY_ME,
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={
                ":sent": {"S": ClaimState.SENT.value},
                ":claimed": {"S": ClaimState.CLAIMED.value},
                ":mid": {"S": message_id},
                ":me": {"S": sweep_id},
            },
        )

    def release(self, key: ReminderKey, sweep_id: str) -> bool:
        return self._conditional(
            "delete_item",
            claim_key(key),
            ConditionExpression=_HELD_BY_ME,
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={
                ":claimed": {"S": ClaimState.CLAIMED.value},
                ":me": {"S": sweep_id},
            },
        )

    def hold_user(
        self, user: tuple[str, str], sweep_id: str, now: datetime, duration: timedelta
    ) -> bool:
        until = now + duration
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    **lease_key(user),
                    "sweep_id": {"S": sweep_id},
                    "leased_until": {"N": str(math.floor(until.timestamp()))},
                    "purge_at": {"N": str(math.floor((until + KEEP_CLAIMS_FOR).timestamp()))},
                },
                # A crashed sweep's lease simply runs out.
                ConditionExpression="attribute_not_exists(PK) OR leased_until < :now",
                ExpressionAttributeValues={":now": {"N": str(math.floor(now.timestamp()))}},
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            return False
        return True

    def release_user(self, user: tuple[str, str], sweep_id: str) -> bool:
        return self._conditional(
            "delete_item",
            lease_key(user),
            ConditionExpression="sweep_id = :me",
            ExpressionAttributeValues={":me": {"S": sweep_id}},
        )

    def _shard(self, shard: int, now: datetime, limit: int) -> Iterator[Reminder]:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": DUE.name,
            "KeyConditionExpression": "#pk = :pk AND #sk <= :bound",
            "ExpressionAttributeNames": {"#pk": DUE.partition_key, "#sk": DUE.sort_key},
            "ExpressionAttributeValues": {
                ":pk": {"S": f"{items.DUE_PREFIX}{shard}"},
                ":bound": {"S": due_bound(now)},
            },
        }
        page: Any = {}
        for page in pages(self._client.query, limit=limit, **kwargs):
            for item in page.get("Items", []):
                try:
                    yield items.reminder_of(item)
                except items.ItemError:
                    logger.error("skipping a malformed due item %s", item.get("SK"))
        if "LastEvaluatedKey" in page:
            logger.warning(
                "due shard %d reached its cap of %d: any more wait for the next sweep", shard, limit
            )

    def _conditional(self, operation: str, key: items.Item, **kwargs: Any) -> bool:
        try:
            getattr(self._client, operation)(TableName=self._table, Key=key, **kwargs)
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            return False
        return True

    def _read(self, key: items.Item) -> items.Item:
        response = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True)
        return dict(response.get("Item") or {})


def _claim_of(item: items.Item, now: datetime) -> Claim:
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
