"""User settings as one item beside the user's data in the events table (source data)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.domain.user_settings import UserSettings
from chalicelib.dynamo.errors import is_condition_failure
from chalicelib.tables import SETTINGS_SK


def settings_pk(tenant_id: str, user_id: str) -> str:
    return f"T#{tenant_id}#U#{user_id}"


class DynamoDBSettingsRepository:
    """Settings at `T#{tenant}#U#{user}` / `SETTINGS`; its stream record tells the projector to
    recompute that user's reminder times."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get(self, tenant_id: str, user_id: str) -> UserSettings | None:
        response = self._client.get_item(
            TableName=self._table,
            Key={"PK": {"S": settings_pk(tenant_id, user_id)}, "SK": {"S": SETTINGS_SK}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        if item is None:
            return None
        return UserSettings.model_validate(json.loads(item["settings"]["S"]))

    def put(self, tenant_id: str, user_id: str, settings: UserSettings) -> None:
        self._client.put_item(TableName=self._table, Item=_item(tenant_id, user_id, settings))

    def get_or_create(self, tenant_id: str, user_id: str, default: UserSettings) -> UserSettings:
        """One conditional write: it saves `default`, or fails and hands back what is saved."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item=_item(tenant_id, user_id, default),
                ConditionExpression="attribute_not_exists(PK)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            saved = error.response.get("Item")
            if saved is None:  # an endpoint that does not return the item: read it
                return self.get(tenant_id, user_id) or default
            return UserSettings.model_validate(json.loads(saved["settings"]["S"]))
        return default


def _item(tenant_id: str, user_id: str, settings: UserSettings) -> dict[str, Any]:
    return {
        "PK": {"S": settings_pk(tenant_id, user_id)},
        "SK": {"S": SETTINGS_SK},
        "tenant_id": {"S": tenant_id},
        "user_id": {"S": user_id},
        "settings": {"S": settings.model_dump_json()},
    }
