"""User settings as one item beside the user's data in the events table (source data)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.user_settings import UserSettings

SETTINGS_SK = "SETTINGS"


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
        self._client.put_item(
            TableName=self._table,
            Item={
                "PK": {"S": settings_pk(tenant_id, user_id)},
                "SK": {"S": SETTINGS_SK},
                "tenant_id": {"S": tenant_id},
                "user_id": {"S": user_id},
                "settings": {"S": settings.model_dump_json()},
            },
        )
