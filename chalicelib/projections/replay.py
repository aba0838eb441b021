"""The read models a fresh fold of every stream implies, for `rebuild-projections` and
`verify-projections`, and the whole-events-table read those operators' commands start from.

`read_events` Scans on purpose: the events table has no tenant index, and these commands are
run by an operator, never by a request or the scheduler.

A stream that cannot be projected is skipped by the projector, which leaves its read models as
they were; the expectation does the same (given the read models found), so the report names
that stream once instead of every dashboard it still counts in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.user_settings import UserSettings, saved_settings
from chalicelib.eventstore.codec import EVENT_PREFIX, decode_event
from chalicelib.eventstore.port import StoredEvent, StreamId
from chalicelib.projections import dashboard as dash
from chalicelib.projections.poison import UnprojectableStreamError, projected
from chalicelib.projections.projection import reminders_of
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
            # As the projector and the sweep read them: an address saved under an older,
            # looser rule is dropped, not a crash of the whole rebuild.
            snapshot.settings[user] = saved_settings(json.loads(item["settings"]["S"]))
    for events in snapshot.streams.values():
        events.sort(key=lambda event: event.version)
    return snapshot


@dataclass
class Expectation:
    """The read models a fresh fold implies, and why each stream it could not fold failed."""

    models: Snapshot
    unprojectable: dict[StreamId, str] = field(default_factory=dict)


def expected_models(snapshot: EventsSnapshot, due_shards: int) -> Snapshot:
    """The read models a fresh fold of every stream implies, dashboards as full as allowed."""
    return expectation(snapshot, due_shards).models


def expectation(
    snapshot: EventsSnapshot, due_shards: int, found: Snapshot | None = None
) -> Expectation:
    """`expected_models`, with the streams that cannot be projected set apart; given the read
    models `found`, theirs are expected to stay as found, as the projector leaves them."""
    result = Expectation(Snapshot())
    expected = result.models
    by_user: dict[tuple[str, str], list[ContactView]] = {}
    for stream, events in snapshot.streams.items():
        owner = events[0].owner_id
        settings = snapshot.settings.get((stream.tenant_id, owner)) or UserSettings()
        try:
            view = projected(stream, events, settings)
        except UnprojectableStreamError as error:
            result.unprojectable[stream] = error.reason
            kept = _left_as_found(found, expected, (stream.tenant_id, owner, stream.contact_id))
            if kept is None:
                continue
            view = kept
        else:
            expected.reminders.update(reminders_of(view, due_shards))
        expected.views[(view.tenant_id, view.user_id, view.contact_id)] = view
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
    return result


def _left_as_found(
    found: Snapshot | None, expected: Snapshot, key: tuple[str, str, str]
) -> ContactView | None:
    """The view (and its reminders) a skipped stream keeps: whatever was there."""
    view = found.views.get(key) if found is not None else None
    if found is not None:
        expected.reminders.update(
            (reminder_key, reminder)
            for reminder_key, reminder in found.reminders.items()
            if (reminder_key.tenant_id, reminder_key.user_id, reminder_key.contact_id) == key
        )
    return view
