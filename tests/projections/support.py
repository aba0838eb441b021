"""Steps recorded through the real command service, and the read models read back."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.adapters.dynamodb_settings import DynamoDBSettingsRepository
from chalicelib.adapters.stream_pump import StreamPump
from chalicelib.bootstrap import Services, in_memory
from chalicelib.domain import events as ev
from chalicelib.eventstore.port import NewEvent, StreamId
from chalicelib.projections.replay import expected_models
from chalicelib.service.commands import Caller
from chalicelib.viewstore import dynamodb_items as items
from chalicelib.viewstore.port import Snapshot

Item = dict[str, Any]


def add(services: Services, who: Caller, name: str = "Grace Hopper", **details: Any) -> str:
    outcome = services.commands.add_contact(who, ev.ContactAdded(name=name, **details), None)
    return str(outcome.contact["contact_id"])


def step(
    services: Services,
    who: Caller,
    contact_id: str,
    data: ev.EventData,
    at: datetime | None = None,
) -> None:
    services.commands.record_step(who, contact_id, data, occurred_at=at)


def pump_for(services: Services) -> StreamPump:
    """A pump delivering the events stream to these services' projector, as Lambda would."""
    return services.stream_pump()


def saved_settings(services: Services) -> DynamoDBSettingsRepository:
    """The settings as saved (no cache), as the projector reads them."""
    saved: Any = services.adapters.settings_store
    return saved


def dynamodb(services: Services) -> Any:
    """The services' own DynamoDB client (moto in tests)."""
    adapters: Any = services.adapters
    return adapters.dynamodb


def views(services: Services) -> Snapshot:
    """Every read model in the view store."""
    return services.view_store.snapshot()


def fresh_fold(services: Services) -> Snapshot:
    """What the view store must hold, from a fold of every stream."""
    return expected_models(services.adapters.events_snapshot(), services.settings.due_shards)


def reminder_actions(snapshot: Snapshot, contact_id: str | None = None) -> list[str]:
    return sorted(
        key.action.value
        for key in snapshot.reminders
        if contact_id is None or key.contact_id == contact_id
    )


def seed_views(
    services: Services, tenant_id: str, user_id: str, steps: list[ev.EventData], start: datetime
) -> list[str]:
    """One contact per entry of `steps` (added, then that step unless it is `contact_added`), a
    minute apart, ids `{user}-0000`...: projected in memory by the real projector, then
    batch-written as items. For tests that need hundreds of contacts: moto copies the whole
    table on every transaction, so projecting hundreds through it takes minutes."""
    memory = _seeding_world(services)
    ids = [f"{user_id}-{n:04d}" for n in range(len(steps))]
    for n, (contact_id, data) in enumerate(zip(ids, steps, strict=True)):
        when = start + timedelta(minutes=n)
        history = [ev.ContactAdded(name=f"Person {n}")]
        if not isinstance(data, ev.ContactAdded):
            history.append(data)
        memory.event_store.append(
            StreamId(tenant_id, contact_id),
            [NewEvent(e.event_type, e.to_data(), when, e.schema_version) for e in history],
            expected_version=0,
            owner_id=user_id,
            recorded_at=when,
        )
    memory.projector.project_contacts(tenant_id, user_id, ids)
    snapshot = memory.view_store.snapshot(tenant_id)
    written = [
        *(items.view_item(view) for view in snapshot.views.values()),
        *(items.reminder_item(reminder) for reminder in snapshot.reminders.values()),
        *(items.dashboard_item(dashboard) for dashboard in snapshot.dashboards.values()),
        *(
            items.member_item(tenant, shard, member)
            for (tenant, shard), members in snapshot.members.items()
            for member in members
        ),
    ]
    client, table = dynamodb(services), services.settings.views_table
    for first in range(0, len(written), 25):
        batch = [{"PutRequest": {"Item": item}} for item in written[first : first + 25]]
        client.batch_write_item(RequestItems={table: batch})
    return ids


_worlds: dict[int, Services] = {}


def _seeding_world(services: Services) -> Services:
    """One in-memory world per test's services, so seeding two users shares their tenant's
    dashboards as the projector would."""
    key = id(services)
    if key not in _worlds:
        _worlds.clear()
        _worlds[key] = in_memory(services.settings, clock=services.clock, sleep=lambda _: None)
    return _worlds[key]
