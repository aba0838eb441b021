"""The read side of the API: contact lists and dashboards, from the views table only.

Each answer costs a fixed number of requests whatever the number of contacts: a list page is
one Query of a sparse index, a dashboard one GetItem of the counters and one Query each for
due actions and upcoming interviews. Nothing here scans.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from chalicelib.clock import Clock
from chalicelib.domain.vocabulary import Status
from chalicelib.projections import keys
from chalicelib.projections.counters import dashboard_counts
from chalicelib.projections.cursor import CursorScope, CursorSigner, InvalidCursorError
from chalicelib.tables import (
    AGENDA,
    BY_STATUS,
    BY_UPDATED,
    INTERVIEWS,
    TENANT_AGENDA,
    TENANT_INTERVIEWS,
    IndexSpec,
)
from chalicelib.timefmt import iso, parse_iso

DUE_ACTIONS = 20
UPCOMING = 10
# Agenda items stay until the contact moves on, so a few may have expired (an unprepared
# interview that already started): read more than shown, and skip those.
DUE_READ = 50

Item = dict[str, Any]


class ReadModels:
    """Answers list and dashboard requests for one caller."""

    def __init__(self, client: Any, table_name: str, signer: CursorSigner, clock: Clock) -> None:
        self._client = client
        self._table = table_name
        self._signer = signer
        self._clock = clock

    def contacts(
        self,
        tenant_id: str,
        user_id: str,
        status: Status | None,
        limit: int,
        cursor: str | None,
    ) -> dict[str, Any]:
        """A page of the user's contacts, most recently updated first."""
        scope = CursorScope(tenant_id, user_id, status.value if status else "")
        index = BY_STATUS if status else BY_UPDATED
        pk = (
            keys.status_pk(tenant_id, user_id, status)
            if status
            else keys.user_pk(tenant_id, user_id)
        )
        kwargs = _query(index, pk, "=", None, forward=False, limit=limit + 1)
        kwargs["TableName"] = self._table
        if cursor:
            kwargs["ExclusiveStartKey"] = self._start_key(scope, cursor, index, pk)
        page = self._client.query(**kwargs)
        items: list[Item] = page.get("Items", [])
        last: Item | None = None
        if len(items) > limit:
            items = items[:limit]
            last = items[-1]
        elif "LastEvaluatedKey" in page:  # a 1 MB page stopped short: continue after it
            last = page["LastEvaluatedKey"]
        now = self._clock.now()
        return {
            "items": [_contact(item, now) for item in items],
            "next_cursor": self._signer.sign(scope, _key_of(last, index)) if last else None,
        }

    def dashboard(self, tenant_id: str, user_id: str) -> dict[str, Any]:
        return self._dashboard(keys.user_pk(tenant_id, user_id), AGENDA, INTERVIEWS)

    def tenant_dashboard(self, tenant_id: str) -> dict[str, Any]:
        return self._dashboard(keys.tenant_pk(tenant_id), TENANT_AGENDA, TENANT_INTERVIEWS)

    def _dashboard(self, pk: str, agenda: IndexSpec, interviews: IndexSpec) -> dict[str, Any]:
        """The counters item at `pk`/STATS; the two indexes are partitioned by the same `pk`."""
        now = self._clock.now()
        stats = self._client.get_item(
            TableName=self._table, Key={"PK": {"S": pk}, "SK": {"S": keys.STATS_SK}}
        ).get("Item")
        counts, funnel = dashboard_counts(stats)
        due = self._client.query(
            TableName=self._table,
            **_query(agenda, pk, "<=", keys.up_to(now), forward=True, limit=DUE_READ),
        )
        soon = keys.sortable_time(now)
        upcoming = self._client.query(
            TableName=self._table,
            **_query(interviews, pk, ">=", soon, forward=True, limit=UPCOMING),
        )
        open_items = [item for item in due.get("Items", []) if _open(item, now)]
        return {
            "counts": counts,
            "due_actions": [_due(item) for item in open_items[:DUE_ACTIONS]],
            "upcoming_interviews": [_interview(item) for item in upcoming.get("Items", [])],
            "funnel": funnel,
            "as_of": iso(now),
        }

    def _start_key(self, scope: CursorScope, cursor: str, index: IndexSpec, pk: str) -> Item:
        start = self._signer.verify(scope, cursor)
        expected = {"PK", "SK", index.partition_key, index.sort_key}
        if set(start) != expected or not all(_is_string(value) for value in start.values()):
            raise InvalidCursorError("the cursor is not one this API issued")
        own = keys.user_pk(scope.tenant_id, scope.user_id)
        if start[index.partition_key]["S"] != pk or start["PK"]["S"] != own:
            raise InvalidCursorError("the cursor belongs to another query")
        return start


def _query(
    index: IndexSpec, pk: str, op: str, sk: str | None, *, forward: bool, limit: int
) -> dict[str, Any]:
    condition = f"{index.partition_key} = :pk"
    values: dict[str, Any] = {":pk": {"S": pk}}
    if sk is not None:
        condition += f" AND {index.sort_key} {op} :sk"
        values[":sk"] = {"S": sk}
    return {
        "IndexName": index.name,
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": forward,
        "Limit": limit,
    }


def _contact(item: Item, now: datetime) -> dict[str, Any]:
    """The stored public contact with `next_action` chosen for `now`, as `next_action` does."""
    public: dict[str, Any] = json.loads(item["public"]["S"])
    public["next_action"] = None
    for planned in json.loads(item["agenda"]["S"]):
        expires = planned["expires_at"]
        if expires is None or now < parse_iso(expires):
            public["next_action"] = {"action": planned["action"], "due_at": planned["due_at"]}
            break
    return public


def _due(item: Item) -> dict[str, Any]:
    return {
        "contact_id": _s(item, "contact_id"),
        "name": _s(item, "name"),
        "action": _s(item, "action"),
        "due_at": _s(item, "due_at"),
    }


def _interview(item: Item) -> dict[str, Any]:
    return {
        "contact_id": _s(item, "contact_id"),
        "name": _s(item, "name"),
        "starts_at": _s(item, "starts_at"),
    }


def _open(item: Item, now: datetime) -> bool:
    return "expires_at" not in item or now < parse_iso(item["expires_at"]["S"])


def _key_of(item: Item, index: IndexSpec) -> Item:
    """The start key DynamoDB wants to continue after `item` on `index`."""
    return {name: item[name] for name in ("PK", "SK", index.partition_key, index.sort_key)}


def _is_string(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"S"} and isinstance(value["S"], str)


def _s(item: Item, name: str) -> str:
    return str(item[name]["S"])
