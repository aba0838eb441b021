"""What the read side needs from a view store, independent of where read models are kept.

The event store's twin: one port, an in-memory adapter and a DynamoDB adapter, and one
contract suite (tests/viewstore) that both pass. Every read of a request or of the sweep is
keyed by the tenant, except `due`, the scheduler's cross-tenant index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from chalicelib.domain.vocabulary import Status
from chalicelib.viewstore.model import (
    Claim,
    ContactsPage,
    ContactView,
    Dashboard,
    DashboardKey,
    Reminder,
    ReminderKey,
)


class ViewStoreError(Exception):
    """Base of the view store's errors."""


class LostRaceError(ViewStoreError):
    """Another projector moved the view or a dashboard first: re-read and try again."""


class InvalidPositionError(ViewStoreError):
    """A list position that this store did not hand out for this user and query."""


@dataclass(frozen=True)
class DashboardWrite:
    """A dashboard to write over the revision that was read (None: it must not exist yet)."""

    expected_revision: int | None
    dashboard: Dashboard


@dataclass(frozen=True)
class ViewWrite:
    """Everything one contact's projection changes, written all at once or not at all.

    The view is written only over exactly `old` (its version and settings fingerprint), or
    only if absent when `old` is None, so deltas computed from `old` are applied once.
    """

    old: ContactView | None
    new: ContactView
    put_reminders: tuple[Reminder, ...] = ()
    delete_reminders: tuple[ReminderKey, ...] = ()
    dashboards: tuple[DashboardWrite, ...] = ()
    # (shard, user_id) pairs whose user dashboard now feeds that tenant shard.
    new_members: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """Every read model of a tenant (or of all), for operators' rebuild and verify."""

    views: dict[tuple[str, str, str], ContactView] = field(default_factory=dict)
    reminders: dict[ReminderKey, Reminder] = field(default_factory=dict)
    dashboards: dict[DashboardKey, Dashboard] = field(default_factory=dict)
    members: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)


class ViewStore(Protocol):
    """Contact views, their reminders, dashboards, the due index, and the sweep's claims."""

    # -- the projector ------------------------------------------------------------------

    def get_views(
        self, tenant_id: str, user_id: str, contact_ids: Iterable[str]
    ) -> dict[str, ContactView]:
        """The stored views of these contacts, strongly consistent; absent ones left out."""
        ...

    def user_views(self, tenant_id: str, user_id: str) -> dict[str, ContactView]:
        """Every view of one user, tombstones too, strongly consistent."""
        ...

    def user_reminders(self, tenant_id: str, user_id: str) -> list[Reminder]:
        """Every open reminder of one user, strongly consistent."""
        ...

    def get_dashboards(
        self, keys: Sequence[DashboardKey], *, consistent: bool = True
    ) -> dict[DashboardKey, Dashboard]:
        """The dashboards that exist among `keys`, in one read."""
        ...

    def shard_members(self, tenant_id: str, shard: int) -> frozenset[str]:
        """The users whose dashboards feed one shard of their tenant's dashboard."""
        ...

    def commit(self, write: ViewWrite) -> None:
        """Writes it all, or raises LostRaceError and writes nothing."""
        ...

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
        """Up to `limit` views, most recently updated first, after a position this store
        handed out for the same user and status (InvalidPositionError otherwise).

        With `search` (normalized, see projections.search), only views whose search text
        contains it; such a page may hold fewer than `limit` views and still have a next one."""
        ...

    # -- the sweep ----------------------------------------------------------------------

    def due(self, now: datetime, limit: int) -> list[Reminder]:
        """Reminders on the due index whose send time has come, at most `limit`, shared
        fairly among the index's shards."""
        ...

    def drop_due(self, reminder: Reminder) -> bool:
        """Takes an expired reminder off the due index unless it was moved since it was read."""
        ...

    def claim(self, key: ReminderKey, sweep_id: str, now: datetime) -> Claim | None:
        """None when `sweep_id` now holds the reminder's claim; else the claim that was there."""
        ...

    def mark_sent(self, key: ReminderKey, sweep_id: str, message_id: str) -> bool:
        """Records the message id on our own claim; False if it is not ours to change."""
        ...

    def release(self, key: ReminderKey, sweep_id: str) -> bool:
        """Gives back our claim after a send that surely failed."""
        ...

    def hold_user(
        self, user: tuple[str, str], sweep_id: str, now: datetime, duration: timedelta
    ) -> bool:
        """Takes the user's sweep lease unless another sweep holds a live one."""
        ...

    def release_user(self, user: tuple[str, str], sweep_id: str) -> bool:
        """Gives back our lease."""
        ...

    # -- operators ----------------------------------------------------------------------

    def snapshot(self, tenant_id: str | None = None) -> Snapshot:
        """Every read model of the tenant, or of all tenants (reads everything: operators only)."""
        ...

    def clear(self, tenant_id: str | None = None) -> int:
        """Deletes the tenant's read models (claims and leases stay); returns how many."""
        ...
