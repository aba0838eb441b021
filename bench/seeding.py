"""Fills the views table straight with BatchWriteItem, in exactly the projector's shape.

Writing 50,000 contacts through the API and the projector would take hours on moto (its
TransactWriteItems deep-copies the whole table per item). So the contacts' states are folded
from events built in memory, and the projector's own pure functions turn them into items:
`project` gives each contact's view, `reminders_of` its reminders, and `dashboard.expected`
the user dashboards and tenant shards over the latest view of each contact, which the
projector's deltas add up to; the shards' member items say which user feeds which shard.
The items themselves come from the DynamoDB adapter's wire format (`dynamodb_items`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain import events as ev
from chalicelib.domain.state import ContactState
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore import codec
from chalicelib.eventstore.port import EventStore, NewEvent, StreamId
from chalicelib.projections import dashboard as dash
from chalicelib.projections.projection import project, reminders_of
from chalicelib.service.history import state_of
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.viewstore.dynamodb_items import (
    Item,
    dashboard_item,
    member_item,
    reminder_item,
    reminder_key,
    view_item,
)
from chalicelib.viewstore.model import ContactView, DashboardKey

BATCH_WRITE = 25
INTERVIEW_AFTER = timedelta(days=60)

User = tuple[str, str]
# One BatchWriteItem request: its item's key (PK, SK), and the request itself.
Request = tuple[tuple[str, str], dict[str, Any]]


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
    """Writes projections of contact states, and keeps the latest view of each contact so
    that the dashboards over them can be written as the projector would have left them."""

    def __init__(
        self, client: Any, views_table: str, settings: SettingsRepository, due_shards: int
    ) -> None:
        self._client = client
        self._table = views_table
        self._settings = settings
        self._shards = due_shards
        # By contact, so a contact projected again replaces its view instead of adding one.
        self._views: dict[User, dict[str, ContactView]] = {}
        self._revisions: dict[DashboardKey, int] = {}
        self._members: set[User] = set()
        # Every (PK, SK) written and not deleted since, by tenant: the items seeded.
        self._stored: dict[str, set[tuple[str, str]]] = {}

    def save_settings(self, tenant_id: str, user_id: str, settings: UserSettings) -> None:
        self._settings.put(tenant_id, user_id, settings)

    def stored_items(self, tenant_id: str) -> int:
        """How many items of this tenant the seeder has in the table now."""
        return len(self._stored.get(tenant_id, ()))

    def write_states(
        self, tenant_id: str, states: Iterable[ContactState], settings: UserSettings
    ) -> int:
        """Puts each state's view and reminders (deleting reminders its earlier view had and
        this one has not); returns how many puts and deletes that was."""
        return self._write(self._state_requests(tenant_id, states, settings))

    def write_dashboards(self, users: Iterable[User] | None = None) -> int:
        """The dashboards of these users (default: every user written so far), the tenant
        shards they feed over all the views of the shards' users, and their member items."""
        wanted = set(self._views) if users is None else set(users)
        shards = {dash.shard_key(tenant_id, user_id) for tenant_id, user_id in wanted}
        requests: list[Request] = []
        for tenant_id, user_id in sorted(wanted):
            key = dash.user_key(tenant_id, user_id)
            requests.append(
                self._dashboard(key, self._views.get((tenant_id, user_id), {}).values())
            )
        for key in sorted(shards, key=lambda k: (k.tenant_id, k.shard)):
            views = [
                view
                for (tenant_id, user_id), by_contact in self._views.items()
                if tenant_id == key.tenant_id and dash.tenant_shard(user_id) == key.shard
                for view in by_contact.values()
            ]
            requests.append(self._dashboard(key, views))
        for tenant_id, user_id in sorted(wanted - self._members):
            item = member_item(tenant_id, dash.tenant_shard(user_id), user_id)
            requests.append(_put(item))
            self._members.add((tenant_id, user_id))
        return self._write(requests)

    def settle(self, store: EventStore, streams: Sequence[StreamId]) -> None:
        """Re-projects stored contacts with their owner's saved settings, as the projector
        would on their stream records: views, reminders, then the owners' dashboards."""
        by_user: dict[User, list[ContactState]] = {}
        for stream in streams:
            state = state_of(stream.contact_id, store.read(stream))
            by_user.setdefault((stream.tenant_id, state.owner_id), []).append(state)
        for (tenant_id, user_id), states in by_user.items():
            settings = self._settings.get(tenant_id, user_id) or UserSettings()
            self.write_states(tenant_id, states, settings)
        self.write_dashboards(by_user)

    def _state_requests(
        self, tenant_id: str, states: Iterable[ContactState], settings: UserSettings
    ) -> Iterator[Request]:
        for state in states:
            view = project(tenant_id, state, settings)
            by_contact = self._views.setdefault((tenant_id, state.owner_id), {})
            old = by_contact.get(state.contact_id)
            by_contact[state.contact_id] = view
            reminders = reminders_of(view, self._shards)
            gone = reminders_of(old, self._shards).keys() - reminders.keys() if old else set()
            yield _put(view_item(view))
            yield from (_put(reminder_item(reminder)) for reminder in reminders.values())
            yield from (_delete(reminder_key(key)) for key in gone)

    def _dashboard(self, key: DashboardKey, views: Iterable[ContactView]) -> Request:
        """The dashboard over `views` at the revision after the one last written (the first
        write of a dashboard, by the projector too, is revision 1)."""
        revision = self._revisions.get(key, 0) + 1
        self._revisions[key] = revision
        return _put(dashboard_item(replace(dash.expected(key, views), revision=revision)))

    def _write(self, requests: Iterable[Request]) -> int:
        written = 0
        for chunk in _chunks(requests, BATCH_WRITE):
            self._batch_write([request for _, request in chunk])
            for (pk, sk), request in chunk:
                stored = self._stored.setdefault(_tenant_of(pk), set())
                if "PutRequest" in request:
                    stored.add((pk, sk))
                else:
                    stored.discard((pk, sk))
            written += len(chunk)
        return written

    def _batch_write(self, requests: list[dict[str, Any]]) -> None:
        pending: dict[str, Any] = {self._table: requests}
        for _ in range(10):
            response = self._client.batch_write_item(RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}
            if not pending:
                return
        raise SeedingError("BatchWriteItem kept returning unprocessed items")


def _put(item: Item) -> Request:
    return (item["PK"]["S"], item["SK"]["S"]), {"PutRequest": {"Item": item}}


def _delete(key: Item) -> Request:
    return (key["PK"]["S"], key["SK"]["S"]), {"DeleteRequest": {"Key": key}}


def _tenant_of(pk: str) -> str:
    """`T#{tenant}` or `T#{tenant}#U#{user}` (ids never contain `#`)."""
    return pk.split("#")[1]


def _chunks(requests: Iterable[Request], size: int) -> Iterator[list[Request]]:
    """Batches of at most `size`, never naming one item twice (BatchWriteItem refuses that)."""
    chunk: list[Request] = []
    keys: set[tuple[str, str]] = set()
    for request in requests:
        key = request[0]
        if len(chunk) == size or key in keys:
            yield chunk
            chunk, keys = [], set()
        chunk.append(request)
        keys.add(key)
    if chunk:
        yield chunk
