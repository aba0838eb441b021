"""A user's integrations as one item beside their settings in the events table.

`T#{tenant}#U#{user}` / `INTEGRATIONS`: the projector's doorbells and the replays ignore its
sort key (it changes no read model), and every read of it is a GetItem on the tenant's key.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.adapters.dynamodb_settings import settings_pk
from chalicelib.dynamo.errors import is_condition_failure
from chalicelib.integrations.port import PROVIDERS, IntegrationsRecord

INTEGRATIONS_SK = "INTEGRATIONS"


def _key(tenant_id: str, user_id: str) -> dict[str, Any]:
    return {"PK": {"S": settings_pk(tenant_id, user_id)}, "SK": {"S": INTEGRATIONS_SK}}


def _record(item: dict[str, Any]) -> IntegrationsRecord:
    return IntegrationsRecord(
        hook_id=item["hook_id"]["S"],
        calendar_nonce=item["calendar_nonce"]["S"],
        calendar_hash=item["calendar_hash"]["S"],
        sealed_secrets={
            provider: item[f"{provider}_secret"]["S"]
            for provider in PROVIDERS
            if f"{provider}_secret" in item
        },
    )


class DynamoDBIntegrations:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get(self, tenant_id: str, user_id: str) -> IntegrationsRecord | None:
        response = self._client.get_item(
            TableName=self._table, Key=_key(tenant_id, user_id), ConsistentRead=True
        )
        item = response.get("Item")
        return None if item is None else _record(item)

    def get_or_create(
        self, tenant_id: str, user_id: str, fresh: IntegrationsRecord
    ) -> IntegrationsRecord:
        item = {
            **_key(tenant_id, user_id),
            "tenant_id": {"S": tenant_id},
            "user_id": {"S": user_id},
            "hook_id": {"S": fresh.hook_id},
            "calendar_nonce": {"S": fresh.calendar_nonce},
            "calendar_hash": {"S": fresh.calendar_hash},
        }
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(PK)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            saved = error.response.get("Item")
            if saved is None:  # an endpoint that does not return the item: read it
                return self.get(tenant_id, user_id) or fresh
            return _record(saved)
        return fresh

    def set_secret(self, tenant_id: str, user_id: str, provider: str, sealed: str) -> None:
        if provider not in PROVIDERS:
            raise ValueError(f"unknown provider {provider!r}")
        self._update(tenant_id, user_id, {f"{provider}_secret": sealed})

    def set_calendar(self, tenant_id: str, user_id: str, nonce: str, digest: str) -> None:
        self._update(tenant_id, user_id, {"calendar_nonce": nonce, "calendar_hash": digest})

    def delete(self, tenant_id: str, user_id: str) -> None:
        self._client.delete_item(TableName=self._table, Key=_key(tenant_id, user_id))

    def _update(self, tenant_id: str, user_id: str, values: dict[str, str]) -> None:
        names = {f"#a{i}": name for i, name in enumerate(values)}
        placeholders = {f":v{i}": {"S": value} for i, value in enumerate(values.values())}
        assignments = ", ".join(f"#a{i} = :v{i}" for i in range(len(values)))
        # Only an existing record: the service creates it first, so a record is never half.
        self._client.update_item(
            TableName=self._table,
            Key=_key(tenant_id, user_id),
            UpdateExpression=f"SET {assignments}",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=placeholders,
        )
