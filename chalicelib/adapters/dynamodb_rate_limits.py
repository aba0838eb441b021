"""Tenants' token buckets in the limits table: one item each, one conditional write a request.

Item: `PK = T#{tenant}`, `SK = RATE`, `tat` (the bucket's theoretical arrival time, in
microseconds since the epoch) and `expires_at` (TTL, a day after the bucket is full again).
Both writes are single UpdateItems of an item far below 1 KB: 1 write request unit each, and a
refused conditional write costs the same. A refused write hands back the item as it stands
(`ReturnValuesOnConditionCheckFailure`), so learning the real `tat` costs no read.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.dynamo.errors import is_condition_failure
from chalicelib.service.throttle import Reservation

RATE_SK = "RATE"
_NAMES = {"#tat": "tat", "#expires": "expires_at"}


def bucket_key(tenant_id: str) -> dict[str, Any]:
    return {"PK": {"S": f"T#{tenant_id}"}, "SK": {"S": RATE_SK}}


def _number(value: int) -> dict[str, str]:
    return {"N": str(value)}


class DynamoDBRateLimits:
    """The RateLimitStore on DynamoDB."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def restart(self, tenant_id: str, *, now: int, tat: int, expires_at: int) -> Reservation:
        return self._update(
            tenant_id,
            "SET #tat = :tat, #expires = :expires",
            # Full (or never used): the refill is the whole bucket, whatever was left.
            "attribute_not_exists(#tat) OR #tat <= :now",
            {":tat": _number(tat), ":now": _number(now), ":expires": _number(expires_at)},
        )

    def advance(
        self, tenant_id: str, *, now: int, latest: int, interval: int, expires_at: int
    ) -> Reservation:
        return self._update(
            tenant_id,
            "SET #tat = #tat + :interval, #expires = :expires",
            # Partly used: increments commute, so concurrent writers need no version check.
            "#tat > :now AND #tat <= :latest",
            {
                ":interval": _number(interval),
                ":now": _number(now),
                ":latest": _number(latest),
                ":expires": _number(expires_at),
            },
        )

    def _update(
        self, tenant_id: str, expression: str, condition: str, values: dict[str, Any]
    ) -> Reservation:
        try:
            answer = self._client.update_item(
                TableName=self._table,
                Key=bucket_key(tenant_id),
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames=_NAMES,
                ExpressionAttributeValues=values,
                ReturnValues="UPDATED_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            found = error.response.get("Item")
            if found is None:  # an endpoint that does not return the item: read it
                found = self._read(tenant_id)
            return Reservation(taken=False, tat=_tat(found))
        return Reservation(taken=True, tat=_tat(answer["Attributes"]))

    def _read(self, tenant_id: str) -> dict[str, Any] | None:
        answer = self._client.get_item(
            TableName=self._table, Key=bucket_key(tenant_id), ConsistentRead=True
        )
        item: dict[str, Any] | None = answer.get("Item")
        return item


def _tat(item: dict[str, Any] | None) -> int | None:
    if not item or "tat" not in item:
        return None
    return int(item["tat"]["N"])
