"""Whole-table reads and deletes of the views table, for operators' rebuild and verify only.

These Scan on purpose (a tenant's items span one partition per user, and there is no index of
users): no request or sweep ever comes here. Claims and leases are not read models, so a
rebuild's `clear` keeps them and `snapshot` leaves them out, and a rebuilt reminder is still
never sent twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chalicelib.viewstore import dynamodb_items as items
from chalicelib.viewstore.model import ContactView, Dashboard, DashboardKey, Reminder, ReminderKey
from chalicelib.viewstore.port import Snapshot

MAX_BATCH_WRITE = 25
_READ_MODELS = {"contact", "reminder", "dashboard", "member"}


def snapshot(client: Any, table: str, tenant_id: str | None = None) -> Snapshot:
    """Every read model of one tenant, or of all tenants."""
    views: dict[tuple[str, str, str], ContactView] = {}
    reminders: dict[ReminderKey, Reminder] = {}
    dashboards: dict[DashboardKey, Dashboard] = {}
    members: dict[tuple[str, int], set[str]] = {}
    for page in _scan(client, table, tenant_id):
        for item in page:
            kind = items.item_kind(item)
            if kind == "contact":
                view = items.view_of(item)
                views[(view.tenant_id, view.user_id, view.contact_id)] = view
            elif kind == "reminder":
                reminder = items.reminder_of(item)
                reminders[reminder.key] = reminder
            elif kind == "dashboard":
                dashboard = items.dashboard_of(item)
                dashboards[dashboard.key] = dashboard
            elif kind == "member":
                tenant, shard, user_id = items.member_of(item)
                members.setdefault((tenant, shard), set()).add(user_id)
    shards = {shard: frozenset(users) for shard, users in members.items()}
    return Snapshot(views=views, reminders=reminders, dashboards=dashboards, members=shards)


def clear(client: Any, table: str, tenant_id: str | None = None) -> int:
    """Deletes the read models of one tenant, or of all; returns how many items went."""
    deleted = 0
    for page in _scan(client, table, tenant_id, projection="PK, SK"):
        doomed = [item for item in page if items.item_kind(item) in _READ_MODELS]
        for start in range(0, len(doomed), MAX_BATCH_WRITE):
            _delete(client, table, doomed[start : start + MAX_BATCH_WRITE])
        deleted += len(doomed)
    return deleted


def _scan(
    client: Any, table: str, tenant_id: str | None, projection: str | None = None
) -> Iterator[list[items.Item]]:
    """The pages of a Scan of the table, or only of the items of one tenant."""
    kwargs: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    if projection is not None:
        kwargs["ProjectionExpression"] = projection
    if tenant_id is not None:
        # `T#{t}` itself (tenant dashboards, members) and every `T#{t}#U#...` of its users.
        kwargs["FilterExpression"] = "PK = :t OR begins_with(PK, :prefix)"
        kwargs["ExpressionAttributeValues"] = {
            ":t": {"S": items.tenant_pk(tenant_id)},
            ":prefix": {"S": f"{items.tenant_pk(tenant_id)}#"},
        }
    while True:
        page = client.scan(**kwargs)
        yield page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _delete(client: Any, table: str, doomed: list[items.Item]) -> None:
    """One BatchWriteItem of up to 25 deletes, retrying what DynamoDB left unprocessed."""
    requests: dict[str, Any] = {
        table: [{"DeleteRequest": {"Key": items.key(i["PK"]["S"], i["SK"]["S"])}} for i in doomed]
    }
    while requests:
        response = client.batch_write_item(RequestItems=requests)
        requests = response.get("UnprocessedItems") or {}
