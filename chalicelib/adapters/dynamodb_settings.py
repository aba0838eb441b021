"""User settings as one item beside the user's data in the events table (source data), and the
address change that waits for its confirmation link as another."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.domain.user_settings import PendingEmail, UserSettings, saved_settings
from chalicelib.dynamo.errors import is_condition_failure
from chalicelib.service.user_settings_port import Revision
from chalicelib.tables import SETTINGS_SK

# Not `SETTINGS`: the projector takes only that item's stream records as doorbells (a pending
# address changes no reminder), and replays read only events and `SETTINGS`.
PENDING_EMAIL_SK = "EMAIL_CHANGE"
# DynamoDB's TTL deletes within about two days of `expires_at`; reads check the expiry anyway.
_TTL_MARGIN_SECONDS = 24 * 3600
# An unconditional `put` is a read and a conditional write, again if another write came first.
_PUT_ATTEMPTS = 10


def settings_pk(tenant_id: str, user_id: str) -> str:
    return f"T#{tenant_id}#U#{user_id}"


def _key(tenant_id: str, user_id: str, sort_key: str) -> dict[str, Any]:
    return {"PK": {"S": settings_pk(tenant_id, user_id)}, "SK": {"S": sort_key}}


def _settings_of(item: dict[str, Any]) -> UserSettings:
    return saved_settings(json.loads(item["settings"]["S"]))


def _revision_of(item: dict[str, Any]) -> Revision:
    # Items saved before revisions were kept have none: revision 0, like no item at all.
    return int(item["revision"]["N"]) if "revision" in item else 0


class DynamoDBSettingsRepository:
    """Settings at `T#{tenant}#U#{user}` / `SETTINGS`; its stream record tells the projector to
    recompute that user's reminder times. Each write bumps the item's `revision`, so a change
    made on a read can be saved only if nothing was written since (`replace`)."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get(self, tenant_id: str, user_id: str) -> UserSettings | None:
        return self.read(tenant_id, user_id)[0]

    def read(self, tenant_id: str, user_id: str) -> tuple[UserSettings | None, Revision]:
        response = self._client.get_item(
            TableName=self._table,
            Key=_key(tenant_id, user_id, SETTINGS_SK),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return (None, 0) if item is None else (_settings_of(item), _revision_of(item))

    def replace(
        self, tenant_id: str, user_id: str, settings: UserSettings, expected: Revision
    ) -> bool:
        # A whole-item put, not an UpdateItem: the item holds nothing else, and its stream
        # image then carries every attribute the projector's doorbell reads.
        condition = "attribute_not_exists(revision)" if expected == 0 else "revision = :expected"
        request: dict[str, Any] = {
            "TableName": self._table,
            "Item": _item(tenant_id, user_id, settings, expected + 1),
            "ConditionExpression": condition,
        }
        if expected != 0:
            request["ExpressionAttributeValues"] = {":expected": {"N": str(expected)}}
        try:
            self._client.put_item(**request)
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            return False
        return True

    def put(self, tenant_id: str, user_id: str, settings: UserSettings) -> None:
        # Whatever is saved, but still as a new revision, so that a change based on an earlier
        # read fails instead of overwriting this.
        for _ in range(_PUT_ATTEMPTS):
            if self.replace(tenant_id, user_id, settings, self.read(tenant_id, user_id)[1]):
                return
        raise RuntimeError(f"the settings of {tenant_id}/{user_id} kept changing")

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
            return _settings_of(saved)
        return default


def _item(
    tenant_id: str, user_id: str, settings: UserSettings, revision: Revision = 1
) -> dict[str, Any]:
    return {
        **_key(tenant_id, user_id, SETTINGS_SK),
        "tenant_id": {"S": tenant_id},
        "user_id": {"S": user_id},
        "settings": {"S": settings.model_dump_json()},
        "revision": {"N": str(revision)},
    }


class DynamoDBPendingEmails:
    """The waiting address change at `T#{tenant}#U#{user}` / `EMAIL_CHANGE`, gone by TTL a day
    after its link expires."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get(self, tenant_id: str, user_id: str) -> PendingEmail | None:
        response = self._client.get_item(
            TableName=self._table,
            Key=_key(tenant_id, user_id, PENDING_EMAIL_SK),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return None if item is None else PendingEmail.model_validate_json(item["pending"]["S"])

    def put(self, tenant_id: str, user_id: str, pending: PendingEmail) -> None:
        expires_at = int(pending.expires_at.timestamp()) + _TTL_MARGIN_SECONDS
        self._client.put_item(
            TableName=self._table,
            Item={
                **_key(tenant_id, user_id, PENDING_EMAIL_SK),
                "tenant_id": {"S": tenant_id},
                "user_id": {"S": user_id},
                "nonce": {"S": pending.nonce},
                "pending": {"S": pending.model_dump_json()},
                "expires_at": {"N": str(expires_at)},
            },
        )

    def delete(self, tenant_id: str, user_id: str, nonce: str | None = None) -> None:
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": _key(tenant_id, user_id, PENDING_EMAIL_SK),
        }
        if nonce is not None:
            # Only the change that was confirmed: a newer request made meanwhile stays.
            request["ConditionExpression"] = "nonce = :nonce"
            request["ExpressionAttributeValues"] = {":nonce": {"S": nonce}}
        try:
            self._client.delete_item(**request)
        except ClientError as error:
            if not is_condition_failure(error):
                raise
