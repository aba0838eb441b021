"""The `due` index of the views table: the only cross-tenant read, and always a Query.

Each shard is one Query (more pages only past 1 MB or the cap), so a sweep's reads grow with
the reminders that are due, never with the number of contacts or users.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.projections import keys
from chalicelib.reminders.due_items import DueItemError, DueReminder, parse_due_item
from chalicelib.tables import DUE
from chalicelib.timefmt import iso

logger = logging.getLogger(__name__)


def due_bound(now: datetime) -> str:
    """The highest `due_sk` that is due at `now`.

    `due_sk` starts with the send time in `iso` form. Send times fall on whole minutes, and the
    bound is cut to whole seconds on purpose: `iso` adds milliseconds only when there are some,
    and `…:00.500Z` sorts before `…:00Z`, which would hide reminders due in that very second.
    """
    return f"{iso(now.astimezone(UTC).replace(microsecond=0))}{keys.HIGH}"


class DueIndex:
    """Finds due reminders, and takes expired ones out of the index."""

    def __init__(self, client: Any, table_name: str, shards: int) -> None:
        if shards < 1:
            raise ValueError("the due index needs at least one shard")
        self._client = client
        self._table = table_name
        self._shards = shards

    def due(self, now: datetime, limit: int) -> list[DueReminder]:
        """Reminders whose send time has come, at most `limit`, shared fairly among shards
        so that a backlog in one shard cannot starve the others."""
        per_shard = max(1, limit // self._shards)
        found: list[DueReminder] = []
        for shard in range(self._shards):
            found.extend(self._shard(shard, now, per_shard))
        return found

    def drop(self, reminder: DueReminder) -> bool:
        """Takes an expired reminder out of the index, unless the projector re-keyed it since.

        Conditional on the `due_sk` we read: a projector that moved the reminder to another
        send time meant it, and keeps it. Returns whether the keys were removed.
        """
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"PK": {"S": reminder.pk}, "SK": {"S": reminder.sk}},
                UpdateExpression="REMOVE due_pk, due_sk",
                ConditionExpression="due_sk = :sk",
                ExpressionAttributeValues={":sk": {"S": reminder.due_sk}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def _shard(self, shard: int, now: datetime, limit: int) -> Iterator[DueReminder]:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": DUE.name,
            "KeyConditionExpression": "#pk = :pk AND #sk <= :bound",
            "ExpressionAttributeNames": {"#pk": DUE.partition_key, "#sk": DUE.sort_key},
            "ExpressionAttributeValues": {
                ":pk": {"S": keys.due_pk(shard)},
                ":bound": {"S": due_bound(now)},
            },
        }
        remaining = limit
        while remaining > 0:
            page = self._client.query(**kwargs, Limit=remaining)
            for item in page.get("Items", []):
                remaining -= 1
                try:
                    yield parse_due_item(item)
                except DueItemError:
                    logger.error("skipping a malformed due item %s", item.get("SK"))
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        logger.warning(
            "due shard %d reached its cap of %d: any more wait for the next sweep", shard, limit
        )
