"""The view store on DynamoDB: the views table, through the low-level boto3 client.

One contact's projection is one TransactWriteItems, its view conditioned on the exact view
that was read and each dashboard on its revision, so nothing moves unless all of it does.
Every read of a request is a GetItem, a BatchGetItem or a Query of one partition; nothing
here scans (operators' snapshot and clear live in dynamodb_admin).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.domain.vocabulary import Status
from chalicelib.dynamo.errors import lost_race
from chalicelib.dynamo.pages import query_items
from chalicelib.tables import BY_STATUS, BY_UPDATED
from chalicelib.viewstore import dynamodb_admin
from chalicelib.viewstore import dynamodb_items as items
from chalicelib.viewstore.dynamodb_claims import SweepTable
from chalicelib.viewstore.model import (
    Claim,
    ContactsPage,
    ContactView,
    Dashboard,
    DashboardKey,
    Reminder,
    ReminderKey,
)
from chalicelib.viewstore.port import (
    DashboardWrite,
    InvalidPositionError,
    LostRaceError,
    Snapshot,
    ViewWrite,
)

MAX_BATCH_GET = 100
# A search reads at most this many pages of this many items per request, then hands out a
# cursor from where it stopped (a page of matches may be short, or even empty).
SEARCH_PAGES = 5
SEARCH_READ = 100


class DynamoDBViewStore:
    """Contact views, reminders, dashboards, the due index and the sweep's claims."""

    def __init__(self, client: Any, table_name: str, due_shards: int) -> None:
        self._client = client
        self._table = table_name
        self._sweep = SweepTable(client, table_name, due_shards)

    # -- the projector ------------------------------------------------------------------

    def get_views(
        self, tenant_id: str, user_id: str, contact_ids: Iterable[str]
    ) -> dict[str, ContactView]:
        wanted = sorted(set(contact_ids))
        found: dict[str, ContactView] = {}
        for start in range(0, len(wanted), MAX_BATCH_GET):
            ids = wanted[start : start + MAX_BATCH_GET]
            chunk = [items.view_key(tenant_id, user_id, contact_id) for contact_id in ids]
            for item in self._batch_get(chunk, consistent=True):
                view = items.view_of(item)
                found[view.contact_id] = view
        return found

    def user_views(self, tenant_id: str, user_id: str) -> dict[str, ContactView]:
        found = self._partition(items.user_pk(tenant_id, user_id), items.CONTACT_PREFIX)
        return {view.contact_id: view for view in map(items.view_of, found)}

    def user_reminders(self, tenant_id: str, user_id: str) -> list[Reminder]:
        found = self._partition(items.user_pk(tenant_id, user_id), items.REMINDER_PREFIX)
        return [items.reminder_of(item) for item in found]

    def get_dashboards(
        self, keys: Sequence[DashboardKey], *, consistent: bool = True
    ) -> dict[DashboardKey, Dashboard]:
        wanted = list(dict.fromkeys(keys))
        if len(wanted) > MAX_BATCH_GET:
            raise ValueError(f"at most {MAX_BATCH_GET} dashboards in one read")
        if len(wanted) == 1:
            # A user's own dashboard: one GetItem.
            response = self._client.get_item(
                TableName=self._table,
                Key=items.dashboard_key(wanted[0]),
                ConsistentRead=consistent,
            )
            found: list[Any] = [response["Item"]] if "Item" in response else []
        else:
            keys_ = [items.dashboard_key(k) for k in wanted]
            found = list(self._batch_get(keys_, consistent=consistent))
        dashboards = map(items.dashboard_of, found)
        return {dashboard.key: dashboard for dashboard in dashboards}

    def shard_members(self, tenant_id: str, shard: int) -> frozenset[str]:
        found = self._partition(items.tenant_pk(tenant_id), items.member_prefix(shard))
        return frozenset(item["user_id"]["S"] for item in found)

    def commit(self, write: ViewWrite) -> None:
        new = write.new
        put_view: dict[str, Any] = {"TableName": self._table, "Item": items.view_item(new)}
        if write.old is None:
            put_view["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            # Exactly the view the caller's deltas were computed from: never counted twice.
            put_view["ConditionExpression"] = "#v = :v AND #s = :s"
            put_view["ExpressionAttributeNames"] = {"#v": "version", "#s": "settings"}
            put_view["ExpressionAttributeValues"] = {
                ":v": {"N": str(write.old.version)},
                ":s": {"S": items.stored_fingerprint(write.old)},
            }
        puts = {items.reminder_key(r.key)["SK"]["S"]: r for r in write.put_reminders}
        # A transaction names an item once: a reminder put again needs no delete first.
        deletes = {items.reminder_key(k)["SK"]["S"]: k for k in write.delete_reminders}
        actions: list[dict[str, Any]] = [{"Put": put_view}]
        actions += [
            {"Delete": {"TableName": self._table, "Key": items.reminder_key(key)}}
            for sk, key in deletes.items()
            if sk not in puts
        ]
        actions += [self._put(items.reminder_item(r)) for r in puts.values()]
        actions += [self._put_dashboard(change) for change in write.dashboards]
        actions += [
            self._put(items.member_item(new.tenant_id, shard, user_id))
            for shard, user_id in dict.fromkeys(write.new_members)
        ]
        try:
            self._client.transact_write_items(TransactItems=actions)
        except ClientError as error:
            if lost_race(error):
                raise LostRaceError(f"{new.contact_id} or a dashboard moved first") from error
            raise

    # -- the API ------------------------------------------------------------------------

    def contacts_page(
        self,
        tenant_id: str,
        user_id: str,
        status: Status | None,
        limit: int,
        after: Mapping[str, str] | None = None,
        search: str | None = None,
    ) -> ContactsPage:
        index = BY_STATUS if status else BY_UPDATED
        own = items.user_pk(tenant_id, user_id)
        pk = f"{own}#S#{status.value}" if status else own
        names = ("PK", "SK", index.partition_key, index.sort_key)
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index.name,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": index.partition_key},
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ScanIndexForward": False,
            "Limit": limit + 1,
        }
        if after is not None:
            # The tenant-isolation guard for cursors: a start key only of this very query.
            valid = set(after) == set(names) and all(isinstance(v, str) for v in after.values())
            if not valid or after[index.partition_key] != pk or after["PK"] != own:
                raise InvalidPositionError("the position belongs to another query")
            kwargs["ExclusiveStartKey"] = {name: {"S": after[name]} for name in names}
        if search:
            return self._search_page(kwargs, names, limit, search)
        page = self._client.query(**kwargs)
        found: list[items.Item] = page.get("Items", [])
        last: items.Item | None = None
        if len(found) > limit:
            found = found[:limit]
            last = found[-1]
        elif "LastEvaluatedKey" in page:  # a 1 MB page stopped short: continue after it
            last = page["LastEvaluatedKey"]
        position = {name: last[name]["S"] for name in names} if last else None
        return ContactsPage(tuple(map(items.view_of, found)), position)

    def _search_page(
        self, kwargs: dict[str, Any], names: tuple[str, ...], limit: int, search: str
    ) -> ContactsPage:
        """The same Query with a filter: Limit counts items read before the filter, so read
        on, a bounded number of pages, until `limit` match or the list ends."""
        names_of = kwargs["ExpressionAttributeNames"] | {"#search": "search"}
        values_of = kwargs["ExpressionAttributeValues"] | {":q": {"S": search}}
        kwargs = kwargs | {
            "Limit": SEARCH_READ,
            "FilterExpression": "contains(#search, :q)",
            "ExpressionAttributeNames": names_of,
            "ExpressionAttributeValues": values_of,
        }
        found: list[items.Item] = []
        last: items.Item | None = None
        for _ in range(SEARCH_PAGES):
            page = self._client.query(**kwargs)
            found.extend(page.get("Items", []))
            last = page.get("LastEvaluatedKey")
            if len(found) >= limit or last is None:
                break
            kwargs["ExclusiveStartKey"] = last
        if len(found) > limit:
            found = found[:limit]
            last = found[-1]
        position = {name: last[name]["S"] for name in names} if last else None
        return ContactsPage(tuple(map(items.view_of, found)), position)

    # -- the sweep ----------------------------------------------------------------------

    def due(self, now: datetime, limit: int) -> list[Reminder]:
        return self._sweep.due(now, limit)

    def drop_due(self, reminder: Reminder) -> bool:
        return self._sweep.drop_due(reminder)

    def claim(self, key: ReminderKey, sweep_id: str, now: datetime) -> Claim | None:
        return self._sweep.claim(key, sweep_id, now)

    def mark_sent(self, key: ReminderKey, sweep_id: str, message_id: str) -> bool:
        return self._sweep.mark_sent(key, sweep_id, message_id)

    def release(self, key: ReminderKey, sweep_id: str) -> bool:
        return self._sweep.release(key, sweep_id)

    def hold_user(
        self, user: tuple[str, str], sweep_id: str, now: datetime, duration: timedelta
    ) -> bool:
        return self._sweep.hold_user(user, sweep_id, now, duration)

    def release_user(self, user: tuple[str, str], sweep_id: str) -> bool:
        return self._sweep.release_user(user, sweep_id)

    # -- operators ----------------------------------------------------------------------

    def snapshot(self, tenant_id: str | None = None) -> Snapshot:
        return dynamodb_admin.snapshot(self._client, self._table, tenant_id)

    def clear(self, tenant_id: str | None = None) -> int:
        return dynamodb_admin.clear(self._client, self._table, tenant_id)

    # -- requests -----------------------------------------------------------------------

    def _put(self, item: items.Item) -> dict[str, Any]:
        return {"Put": {"TableName": self._table, "Item": item}}

    def _put_dashboard(self, change: DashboardWrite) -> dict[str, Any]:
        action = self._put(items.dashboard_item(change.dashboard))
        if change.expected_revision is None:
            action["Put"]["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            action["Put"]["ConditionExpression"] = "revision = :r"
            action["Put"]["ExpressionAttributeValues"] = {
                ":r": {"N": str(change.expected_revision)}
            }
        return action

    def _batch_get(self, keys: list[items.Item], *, consistent: bool) -> Iterator[items.Item]:
        """Every item found among up to 100 keys, retrying the ones DynamoDB left unprocessed."""
        if not keys:
            return
        request: dict[str, Any] = {self._table: {"Keys": keys, "ConsistentRead": consistent}}
        while request:
            response = self._client.batch_get_item(RequestItems=request)
            yield from response.get("Responses", {}).get(self._table, [])
            request = response.get("UnprocessedKeys") or {}

    def _partition(self, pk: str, prefix: str) -> Iterator[items.Item]:
        """Every item of one partition whose sort key has `prefix`: strongly consistent."""
        return query_items(
            self._client,
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues={":pk": {"S": pk}, ":prefix": {"S": prefix}},
            ConsistentRead=True,
        )
