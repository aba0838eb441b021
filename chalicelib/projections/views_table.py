"""The projector's reads and writes of contact views in the views table (low-level client).

Reads are strongly consistent: the projector must diff against what is really stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.projections import keys
from chalicelib.projections.write_plan import StoredView

MAX_BATCH_GET = 100
_RACES = {"ConditionalCheckFailed", "TransactionConflict"}


class ViewsTableError(Exception):
    """Base of the views table's errors."""


class LostRaceError(ViewsTableError):
    """Another projector moved the view (or its counters) first: re-read and try again."""


class ViewsTable:
    """Contact views by user, and the transactional write of one contact's read models."""

    def __init__(self, client: Any, table_name: str) -> None:
        self.client = client
        self.table = table_name

    def get_view(self, tenant_id: str, user_id: str, contact_id: str) -> StoredView | None:
        response = self.client.get_item(
            TableName=self.table, Key=_view_key(tenant_id, user_id, contact_id), ConsistentRead=True
        )
        item = response.get("Item")
        return StoredView.from_item(item) if item else None

    def get_views(
        self, tenant_id: str, user_id: str, contact_ids: Iterable[str]
    ) -> dict[str, StoredView]:
        """The stored views of these contacts, by contact id (absent ones left out)."""
        wanted = sorted(set(contact_ids))
        found: dict[str, StoredView] = {}
        for start in range(0, len(wanted), MAX_BATCH_GET):
            ids = wanted[start : start + MAX_BATCH_GET]
            chunk = [_view_key(tenant_id, user_id, contact_id) for contact_id in ids]
            request: dict[str, Any] = {self.table: {"Keys": chunk, "ConsistentRead": True}}
            while request:
                response = self.client.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self.table, []):
                    view = StoredView.from_item(item)
                    found[view.contact_id] = view
                request = response.get("UnprocessedKeys") or {}
        return found

    def user_views(self, tenant_id: str, user_id: str) -> dict[str, StoredView]:
        """Every contact view (tombstones too) of one user: a settings change re-projects them."""
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :c)",
            "ExpressionAttributeValues": {
                ":pk": {"S": keys.user_pk(tenant_id, user_id)},
                ":c": {"S": keys.CONTACT_PREFIX},
            },
            "ConsistentRead": True,
        }
        found: dict[str, StoredView] = {}
        while True:
            page = self.client.query(**kwargs)
            for item in page.get("Items", []):
                view = StoredView.from_item(item)
                found[view.contact_id] = view
            if "LastEvaluatedKey" not in page:
                return found
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def apply(self, actions: list[dict[str, Any]]) -> None:
        """Runs one transaction; LostRaceError when a condition or a concurrent write stopped it."""
        try:
            self.client.transact_write_items(TransactItems=actions)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons", [])
            if any(reason.get("Code") in _RACES for reason in reasons):
                raise LostRaceError(str(error)) from error
            raise


def _view_key(tenant_id: str, user_id: str, contact_id: str) -> dict[str, dict[str, str]]:
    return {
        "PK": {"S": keys.user_pk(tenant_id, user_id)},
        "SK": {"S": keys.contact_sk(contact_id)},
    }
