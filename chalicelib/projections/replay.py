"""Whole-table reads for the admin paths (`rebuild-projections`, `verify-projections`) and the
read models a fresh fold of every stream implies.

These Scan on purpose: the events table has no tenant index, and these commands are run by an
operator, never by a request or the scheduler.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chalicelib.adapters.dynamodb_settings import SETTINGS_SK
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.codec import EVENT_PREFIX, decode_event
from chalicelib.eventstore.port import StoredEvent, StreamId
from chalicelib.projections import keys
from chalicelib.projections.counters import Contribution, sum_counters
from chalicelib.projections.projection import Item, project
from chalicelib.service.history import state_of

Key = tuple[str, str]
# The item kinds the projector owns; anything else in the views table (the sweep's claims)
# is not a read model: rebuilds keep it and verification ignores it.
_PROJECTED_PREFIXES = (keys.CONTACT_PREFIX, "R#")


def is_projected(sort_key: str) -> bool:
    return sort_key == keys.STATS_SK or sort_key.startswith(_PROJECTED_PREFIXES)


@dataclass
class EventsSnapshot:
    """Every stream (events oldest first) and every user's saved settings."""

    streams: dict[StreamId, list[StoredEvent]] = field(default_factory=dict)
    settings: dict[tuple[str, str], UserSettings] = field(default_factory=dict)

    def owners(self) -> dict[tuple[str, str], list[str]]:
        """Contact ids by (tenant, owner)."""
        found: dict[tuple[str, str], list[str]] = {}
        for stream, events in sorted(self.streams.items(), key=lambda s: str(s[0])):
            owner = (stream.tenant_id, events[0].owner_id)
            found.setdefault(owner, []).append(stream.contact_id)
        return found


def scan(client: Any, table: str, tenant_id: str | None = None) -> Iterator[Item]:
    """Every item of a table, or only the items of one tenant."""
    kwargs: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    if tenant_id is not None:
        kwargs["FilterExpression"] = "PK = :t OR begins_with(PK, :prefix)"
        kwargs["ExpressionAttributeValues"] = {
            ":t": {"S": keys.tenant_pk(tenant_id)},
            ":prefix": {"S": f"{keys.tenant_pk(tenant_id)}#"},
        }
    while True:
        page = client.scan(**kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def read_events(client: Any, table: str, tenant_id: str | None = None) -> EventsSnapshot:
    snapshot = EventsSnapshot()
    for item in scan(client, table, tenant_id):
        sort_key = item["SK"]["S"]
        if sort_key.startswith(EVENT_PREFIX):
            stream = StreamId(item["tenant_id"]["S"], item["contact_id"]["S"])
            snapshot.streams.setdefault(stream, []).append(decode_event(stream, item))
        elif sort_key == SETTINGS_SK:
            user = (item["tenant_id"]["S"], item["user_id"]["S"])
            snapshot.settings[user] = UserSettings.model_validate_json(item["settings"]["S"])
    for events in snapshot.streams.values():
        events.sort(key=lambda event: event.version)
    return snapshot


def read_views(client: Any, table: str, tenant_id: str | None = None) -> dict[Key, Item]:
    """The projected items of the views table (counters normalized, see `normalized`)."""
    items = {
        (item["PK"]["S"], item["SK"]["S"]): item
        for item in scan(client, table, tenant_id)
        if is_projected(item["SK"]["S"])
    }
    return normalized(items)


def expected_views(snapshot: EventsSnapshot, due_shards: int) -> dict[Key, Item]:
    """The projected items a fresh fold of every stream implies."""
    expected: dict[Key, Item] = {}
    contributions: dict[str, list[Contribution]] = {}
    for stream, events in snapshot.streams.items():
        state = state_of(stream.contact_id, events)
        settings = snapshot.settings.get((stream.tenant_id, state.owner_id)) or UserSettings()
        projection = project(stream.tenant_id, state, settings, due_shards)
        for item in (projection.view, *projection.reminders.values()):
            expected[(item["PK"]["S"], item["SK"]["S"])] = item
        user = keys.user_pk(stream.tenant_id, state.owner_id)
        for pk in (user, keys.tenant_pk(stream.tenant_id)):
            contributions.setdefault(pk, []).append(projection.contribution)
    for pk, shares in contributions.items():
        counters = {name: {"N": str(value)} for name, value in sum_counters(shares).items()}
        expected[(pk, keys.STATS_SK)] = {"PK": {"S": pk}, "SK": {"S": keys.STATS_SK}, **counters}
    return normalized(expected)


def normalized(items: dict[Key, Item]) -> dict[Key, Item]:
    """Counters without the zeros that ADD leaves behind; a counters item of zeros is absent."""
    result: dict[Key, Item] = {}
    for key, item in items.items():
        if key[1] == keys.STATS_SK:
            counters = {name: v for name, v in item.items() if "N" not in v or int(v["N"])}
            if set(counters) == {"PK", "SK"}:
                continue
            item = counters
        result[key] = item
    return result
