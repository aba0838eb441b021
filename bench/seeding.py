"""Fills the views table straight with BatchWriteItem, in exactly the projector's shape.

Writing 50,000 contacts through the API and the projector would take hours on moto (its
TransactWriteItems deep-copies the whole table per item). So the contacts' states are folded
from events built in memory, and `chalicelib.projections.projection.project` (the projector's
own item builder) turns them into the view and reminder items the projector would write; the
counters are summed as the projector would have added them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from chalicelib.adapters.dynamodb_settings import DynamoDBSettingsRepository
from chalicelib.domain import events as ev
from chalicelib.domain.state import ContactState
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore import codec
from chalicelib.eventstore.port import EventStore, NewEvent, StreamId
from chalicelib.projections import keys
from chalicelib.projections.counters import Contribution, sum_counters
from chalicelib.projections.projection import Item, project
from chalicelib.service.history import state_of

BATCH_WRITE = 25
INTERVIEW_AFTER = timedelta(days=60)


class SeedingError(Exception):
    """DynamoDB kept items unprocessed: the seeded table would be incomplete."""


def _new_event(data: ev.EventData, at: datetime) -> NewEvent:
    return NewEvent(data.event_type, data.to_data(), at, data.schema_version, "seed", "seed", "")


def background_state(tenant_id: str, user_id: str, index: int, added_at: datetime) -> ContactState:
    """Contact `index`: half only identified (reach out), half with an interview scheduled."""
    stream = StreamId(tenant_id, f"bg{index:06d}")
    events = [_new_event(ev.ContactAdded(name=f"Background {index}", company="Globex"), added_at)]
    if index % 2:
        starts = added_at + INTERVIEW_AFTER + timedelta(minutes=index)
        events.append(_new_event(ev.InterviewScheduled(starts_at=starts), added_at))
    stamped = codec.stamp(
        stream,
        events,
        expected_version=0,
        owner_id=user_id,
        recorded_at=added_at,
        with_idempotency=False,
    )
    return state_of(stream.contact_id, stamped)


class Seeder:
    """Writes projections of contact states, and keeps the counters they add up to."""

    def __init__(self, client: Any, views_table: str, events_table: str, due_shards: int) -> None:
        self._client = client
        self._table = views_table
        self._settings = DynamoDBSettingsRepository(client, events_table)
        self._shards = due_shards
        # By contact, so a contact projected again replaces its share instead of adding to it.
        self._contributions: dict[tuple[str, str], dict[str, Contribution]] = {}

    def save_settings(self, tenant_id: str, user_id: str, settings: UserSettings) -> None:
        self._settings.put(tenant_id, user_id, settings)

    def write_states(
        self, tenant_id: str, states: Iterable[ContactState], settings: UserSettings
    ) -> int:
        """Puts each state's view and reminders; returns the number of items written."""
        written = 0
        for chunk in _chunks(self._items(tenant_id, states, settings), BATCH_WRITE):
            self._batch_write(chunk)
            written += len(chunk)
        return written

    def write_counters(self) -> None:
        """The user and tenant `STATS` items for every contact written so far."""
        tenants: dict[str, list[Contribution]] = {}
        for (tenant_id, user_id), by_contact in self._contributions.items():
            contributions = list(by_contact.values())
            tenants.setdefault(tenant_id, []).extend(contributions)
            self._put_stats(keys.user_pk(tenant_id, user_id), contributions)
        for tenant_id, contributions in tenants.items():
            self._put_stats(keys.tenant_pk(tenant_id), contributions)

    def settle(self, store: EventStore, streams: Sequence[StreamId]) -> None:
        """Re-projects stored contacts with their owner's saved settings, as the projector
        would on their stream records."""
        for stream in streams:
            state = state_of(stream.contact_id, store.read(stream))
            settings = self._settings.get(stream.tenant_id, state.owner_id) or UserSettings()
            self.write_states(stream.tenant_id, [state], settings)

    def _items(
        self, tenant_id: str, states: Iterable[ContactState], settings: UserSettings
    ) -> Iterator[Item]:
        for state in states:
            projection = project(tenant_id, state, settings, self._shards)
            key = (tenant_id, state.owner_id)
            self._contributions.setdefault(key, {})[state.contact_id] = projection.contribution
            yield projection.view
            yield from projection.reminders.values()

    def _put_stats(self, pk: str, contributions: list[Contribution]) -> None:
        item: Item = {"PK": {"S": pk}, "SK": {"S": keys.STATS_SK}}
        for name, value in sum_counters(contributions).items():
            item[name] = {"N": str(value)}
        self._client.put_item(TableName=self._table, Item=item)

    def _batch_write(self, items: list[Item]) -> None:
        request: dict[str, Any] = {self._table: [{"PutRequest": {"Item": i}} for i in items]}
        for _ in range(10):
            response = self._client.batch_write_item(RequestItems=request)
            request = response.get("UnprocessedItems") or {}
            if not request:
                return
        raise SeedingError("BatchWriteItem kept returning unprocessed items")


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
