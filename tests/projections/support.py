"""Steps recorded through the real command service, and the views table read back."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.adapters.dynamodb_settings import DynamoDBSettingsRepository
from chalicelib.bootstrap import Services
from chalicelib.domain import events as ev
from chalicelib.domain.fold import fold
from chalicelib.domain.state import Envelope
from chalicelib.domain.user_settings import UserSettings
from chalicelib.projections import keys
from chalicelib.projections.counters import Contribution, add_counters, sum_counters
from chalicelib.projections.projection import project
from chalicelib.projections.replay import Key, expected_views, read_events, read_views
from chalicelib.projections.stream_pump import StreamPump
from chalicelib.service.commands import Caller

Item = dict[str, Any]


def add(services: Services, who: Caller, name: str = "Grace Hopper", **details: Any) -> str:
    outcome = services.commands.add_contact(who, ev.ContactAdded(name=name, **details), None)
    return str(outcome.body["contact"]["contact_id"])


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
    settings = services.settings
    return StreamPump.for_table(settings, settings.events_table, services.projector.handle)


def saved_settings(services: Services) -> DynamoDBSettingsRepository:
    """The settings as saved (no cache), as the projector reads them."""
    return DynamoDBSettingsRepository(services.views.client, services.settings.events_table)


def views(services: Services) -> dict[Key, Item]:
    """The projected items of the views table (zero counters dropped)."""
    return read_views(services.views.client, services.settings.views_table)


def fresh_fold(services: Services) -> dict[Key, Item]:
    """What the views table must hold, from a fold of every stream."""
    settings = services.settings
    snapshot = read_events(services.views.client, settings.events_table)
    return expected_views(snapshot, settings.due_shards)


def kinds(items: dict[Key, Item], prefix: str) -> dict[Key, Item]:
    return {key: item for key, item in items.items() if key[1].startswith(prefix)}


def seed_views(
    services: Services, tenant_id: str, user_id: str, steps: list[ev.EventData], start: datetime
) -> list[str]:
    """One contact per entry of `steps` (added, then that step unless it is `contact_added`), a
    minute apart, ids `{user}-0000`...: projected in memory and batch-written, counters added.
    For tests that need hundreds of contacts: moto copies the whole table on every
    transaction, so projecting hundreds through it takes minutes."""
    items: list[Item] = []
    shares: list[Contribution] = []
    ids = [f"{user_id}-{n:04d}" for n in range(len(steps))]
    for n, (contact_id, data) in enumerate(zip(ids, steps, strict=True)):
        when = start + timedelta(minutes=n)
        history = [Envelope(1, ev.ContactAdded(name=f"Person {n}"), when, when, user_id)]
        if not isinstance(data, ev.ContactAdded):
            history.append(Envelope(2, data, when, when, user_id))
        state = fold(contact_id, history, owner_id=user_id)
        projection = project(tenant_id, state, UserSettings(), services.settings.due_shards)
        items += [projection.view, *projection.reminders.values()]
        shares.append(projection.contribution)
    client, table = services.views.client, services.settings.views_table
    for first in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": item}} for item in items[first : first + 25]]
        client.batch_write_item(RequestItems={table: batch})
    changes = sum_counters(shares)
    for pk in (keys.user_pk(tenant_id, user_id), keys.tenant_pk(tenant_id)):
        key = {"PK": {"S": pk}, "SK": {"S": keys.STATS_SK}}
        client.transact_write_items(TransactItems=[add_counters(table, key, changes)])
    return ids
