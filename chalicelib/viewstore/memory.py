"""The view store in memory: for unit tests of projections and the sweep, and the bench.

It keeps the DynamoDB adapter's promises (conditional writes all-or-nothing, positions bound
to their query, claims and leases exclusive) under one lock, and the contract suite holds it
to them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from chalicelib.domain.vocabulary import Status
from chalicelib.timefmt import iso
from chalicelib.viewstore.model import (
    Claim,
    ClaimState,
    ContactsPage,
    ContactView,
    Dashboard,
    DashboardKey,
    Reminder,
    ReminderKey,
)
from chalicelib.viewstore.port import (
    InvalidPositionError,
    LostRaceError,
    Snapshot,
    ViewWrite,
)

ViewId = tuple[str, str, str]
User = tuple[str, str]


def _list_position(view: ContactView) -> str:
    assert view.updated_at is not None
    return f"{view.updated_at.strftime('%Y-%m-%dT%H:%M:%S.%f')}#{view.contact_id}"


class InMemoryViewStore:
    """Read models in dicts."""

    def __init__(self, due_shards: int = 4) -> None:
        if due_shards < 1:
            raise ValueError("the due index needs at least one shard")
        self._shards = due_shards
        self._lock = threading.RLock()
        self._views: dict[ViewId, ContactView] = {}
        self._reminders: dict[ReminderKey, Reminder] = {}
        self._dashboards: dict[DashboardKey, Dashboard] = {}
        self._members: dict[tuple[str, int], set[str]] = {}
        self._claims: dict[ReminderKey, Claim] = {}
        self._leases: dict[User, tuple[str, datetime]] = {}

    # -- the projector ------------------------------------------------------------------

    def get_views(
        self, tenant_id: str, user_id: str, contact_ids: Iterable[str]
    ) -> dict[str, ContactView]:
        with self._lock:
            found = (self._views.get((tenant_id, user_id, c)) for c in set(contact_ids))
            return {view.contact_id: view for view in found if view is not None}

    def user_views(self, tenant_id: str, user_id: str) -> dict[str, ContactView]:
        with self._lock:
            return {
                view.contact_id: view
                for (tenant, user, _), view in self._views.items()
                if (tenant, user) == (tenant_id, user_id)
            }

    def user_reminders(self, tenant_id: str, user_id: str) -> list[Reminder]:
        with self._lock:
            return [r for r in self._reminders.values() if r.user == (tenant_id, user_id)]

    def get_dashboards(
        self, keys: Sequence[DashboardKey], *, consistent: bool = True
    ) -> dict[DashboardKey, Dashboard]:
        with self._lock:
            return {key: self._dashboards[key] for key in keys if key in self._dashboards}

    def shard_members(self, tenant_id: str, shard: int) -> frozenset[str]:
        with self._lock:
            return frozenset(self._members.get((tenant_id, shard), ()))

    def commit(self, write: ViewWrite) -> None:
        new = write.new
        view_id = (new.tenant_id, new.user_id, new.contact_id)
        with self._lock:
            stored = self._views.get(view_id)
            if write.old is None and stored is not None:
                raise LostRaceError(f"{view_id} was created by another projector")
            if write.old is not None and (
                stored is None
                or (stored.version, stored.fingerprint)
                != (write.old.version, write.old.fingerprint)
            ):
                raise LostRaceError(f"{view_id} was moved by another projector")
            for change in write.dashboards:
                current = self._dashboards.get(change.dashboard.key)
                revision = current.revision if current is not None else None
                if revision != change.expected_revision:
                    raise LostRaceError(f"{change.dashboard.key} was moved by another projector")
            self._views[view_id] = new
            for key in write.delete_reminders:
                self._reminders.pop(key, None)
            for reminder in write.put_reminders:
                self._reminders[reminder.key] = reminder
            for change in write.dashboards:
                self._dashboards[change.dashboard.key] = change.dashboard
            for shard, user_id in write.new_members:
                self._members.setdefault((new.tenant_id, shard), set()).add(user_id)

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
        scope = f"{tenant_id}/{user_id}/{status.value if status else ''}/{search or ''}"
        if after is not None and (set(after) != {"scope", "at"} or after["scope"] != scope):
            raise InvalidPositionError("the position belongs to another query")
        with self._lock:
            listed = sorted(
                (
                    view
                    for (tenant, user, _), view in self._views.items()
                    if (tenant, user) == (tenant_id, user_id)
                    and not view.erased
                    and view.status is not None
                    and (status is None or view.status is status)
                    and (not search or search in view.search)
                ),
                key=_list_position,
                reverse=True,
            )
        if after is not None:
            listed = [view for view in listed if _list_position(view) < after["at"]]
        page = tuple(listed[:limit])
        more = len(listed) > limit
        position = {"scope": scope, "at": _list_position(page[-1])} if more else None
        return ContactsPage(page, position)

    # -- the sweep ----------------------------------------------------------------------

    def due(self, now: datetime, limit: int) -> list[Reminder]:
        per_shard = max(1, limit // self._shards)
        bound = iso(now.replace(microsecond=0))
        with self._lock:
            on_index = [r for r in self._reminders.values() if r.due_shard is not None]
        found: list[Reminder] = []
        for shard in range(self._shards):
            ready = sorted(
                (r for r in on_index if r.due_shard == shard and iso(r.send_at) <= bound),
                key=lambda r: (iso(r.send_at), r.tenant_id, r.contact_id, r.action.value),
            )
            found += ready[:per_shard]
        return found

    def drop_due(self, reminder: Reminder) -> bool:
        with self._lock:
            stored = self._reminders.get(reminder.key)
            if stored is None or stored.due_shard is None or stored.send_at != reminder.send_at:
                return False
            self._reminders[reminder.key] = replace(stored, due_shard=None)
            return True

    def claim(self, key: ReminderKey, sweep_id: str, now: datetime) -> Claim | None:
        with self._lock:
            held = self._claims.get(key)
            if held is not None:
                return held
            self._claims[key] = Claim(ClaimState.CLAIMED, now, sweep_id)
            return None

    def mark_sent(self, key: ReminderKey, sweep_id: str, message_id: str) -> bool:
        with self._lock:
            held = self._claims.get(key)
            if held is None or held.sweep_id != sweep_id or held.state is not ClaimState.CLAIMED:
                return False
            self._claims[key] = replace(held, state=ClaimState.SENT, message_id=message_id)
            return True

    def release(self, key: ReminderKey, sweep_id: str) -> bool:
        with self._lock:
            held = self._claims.get(key)
            if held is None or held.sweep_id != sweep_id or held.state is not ClaimState.CLAIMED:
                return False
            del self._claims[key]
            return True

    def hold_user(self, user: User, sweep_id: str, now: datetime, duration: timedelta) -> bool:
        with self._lock:
            held = self._leases.get(user)
            # Whole seconds, as DynamoDB's lease keeps them.
            if held is not None and int(held[1].timestamp()) >= int(now.timestamp()):
                return False
            self._leases[user] = (sweep_id, now + duration)
            return True

    def release_user(self, user: User, sweep_id: str) -> bool:
        with self._lock:
            held = self._leases.get(user)
            if held is None or held[0] != sweep_id:
                return False
            del self._leases[user]
            return True

    # -- operators ----------------------------------------------------------------------

    def snapshot(self, tenant_id: str | None = None) -> Snapshot:
        def mine(tenant: str) -> bool:
            return tenant_id is None or tenant == tenant_id

        with self._lock:
            return Snapshot(
                views={k: v for k, v in self._views.items() if mine(k[0])},
                reminders={k: r for k, r in self._reminders.items() if mine(k.tenant_id)},
                dashboards={k: d for k, d in self._dashboards.items() if mine(k.tenant_id)},
                members={k: frozenset(m) for k, m in self._members.items() if mine(k[0])},
            )

    def clear(self, tenant_id: str | None = None) -> int:
        with self._lock:
            doomed = self.snapshot(tenant_id)
            for view_id in doomed.views:
                del self._views[view_id]
            for key in doomed.reminders:
                del self._reminders[key]
            for dashboard_key in doomed.dashboards:
                del self._dashboards[dashboard_key]
            members = sum(len(m) for m in doomed.members.values())
            for member_key in doomed.members:
                del self._members[member_key]
            return len(doomed.views) + len(doomed.reminders) + len(doomed.dashboards) + members
