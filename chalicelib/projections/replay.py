"""The read models a fresh fold of every stream implies, for `rebuild-projections` and
`verify-projections`, and the whole-events-table read those operators' commands start from.

`read_events` Scans on purpose: the events table has no tenant index, and these commands are
run by an operator, never by a request or the scheduler.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.codec import EVENT_PREFIX, decode_event
from chalicelib.eventstore.port import StoredEvent, StreamId
from chalicelib.projections import dashboard as dash
from chalicelib.projections.projection import project, reminders_of
from chalicelib.service.history import state_of
from chalicelib.tables import SETTINGS_SK
from chalicelib.viewstore.model import ContactView, DashboardKey
from chalicelib.viewstore.port import Snapshot

Item = dict[str, Any]


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


def _scan(client: Any, table: str, tenant_id: str | None) -> Iterator[Item]:
    kwargs: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    if tenant_id is not None:
        kwargs["FilterExpression"] = "begins_with(PK, :prefix)"
        kwargs["ExpressionAttributeValues"] = {":prefix": {"S": f"T#{tenant_id}#"}}
    while True:
        page = client.scan(**kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def read_events(client: Any, table: str, tenant_id: str | None = None) -> EventsSnapshot:
    """Every stream and saved settings of the events table (of one tenant, or all)."""
    snapshot = EventsSnapshot()
    for item in _scan(client, table, tenant_id):
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


def expected_models(snapshot: EventsSnapshot, due_shards: int) -> Snapshot:
    """The read models a fresh fold of every stream implies, dashboards as full as allowed."""
    expected = Snapshot()
    by_user: dict[tuple[str, str], list[ContactView]] = {}
    for stream, events in snapshot.streams.items():
        state = state_of(stream.contact_id, events)
        settings = snapshot.settings.get((stream.tenant_id, state.owner_id)) or UserSettings()
        view = project(stream.tenant_id, state, settings)
        expected.views[(view.tenant_id, view.user_id, view.contact_id)] = view
        expected.reminders.update(reminders_of(view, due_shards))
        by_user.setdefault((view.tenant_id, view.user_id), []).append(view)
    by_shard: dict[DashboardKey, list[ContactView]] = {}
    for (tenant_id, user_id), views in by_user.items():
        key = dash.user_key(tenant_id, user_id)
        expected.dashboards[key] = dash.expected(key, views)
        shard = dash.shard_key(tenant_id, user_id)
        by_shard.setdefault(shard, []).extend(views)
        members = expected.members.get((tenant_id, shard.shard), frozenset())
        expected.members[(tenant_id, shard.shard)] = members | {user_id}
    for key, views in by_shard.items():
        expected.dashboards[key] = dash.expected(key, views)
    return expected
