"""The projector: turns the events stream's doorbells into contact views, reminders and
dashboards, idempotently, whatever the records' order or number.

For each contact a batch names: read its view, then its owner's settings, then its whole
stream (one strongly consistent Query), fold, and write the difference, with the owner's and
the tenant shard's dashboards, in one all-or-nothing write conditioned on the view and the
dashboards read (`ViewStore.commit`). Reading the full stream, rather than the events after
the view's version, keeps views free of a serialized state snapshot; a duplicate or an old
record costs only the batched view read, since a view already at that version (with the same
settings) is skipped before the stream is read.

The view is read before the settings on purpose: if the settings changed after our read, the
projector of that change reads the view after us and either sees our write or makes ours fail
its condition, so stale settings can never overwrite fresh ones.

Failures are per contact: `handle` reports the records of the contacts it could not project as
`batchItemFailures` (Lambda then retries from the lowest one; what succeeded is skipped cheaply on
redelivery). A stream that cannot be folded or projected at all (an event that no longer parses)
is different: a retry reads the same events and fails the same way, and would only hold up the
shard until Lambda set the records aside, its user's settings change among them. So it is logged
by its key and skipped, its read models left as they were, and `verify-projections` names it.

Chalice's `on_dynamodb_record` returns the handler's value to Lambda untouched, so
no Powertools `BatchProcessor` is needed; that processor works record by record, which would
fold a contact once per record instead of once per batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.clock import Clock, SystemClock
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.port import EventStore, StreamId
from chalicelib.projections import dashboard as dash
from chalicelib.projections.doorbells import ContactBell, Doorbell, MalformedRecordError, doorbell
from chalicelib.projections.poison import UnprojectableStreamError, projected
from chalicelib.projections.projection import reminders_of, settings_fingerprint
from chalicelib.retry import RetryPolicy
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.telemetry import count, milliseconds
from chalicelib.viewstore.model import ContactView, Contribution, Dashboard, DashboardKey
from chalicelib.viewstore.port import DashboardWrite, LostRaceError, ViewStore, ViewWrite

logger = logging.getLogger(__name__)
MAX_BATCH_GET = 100


class ProjectorError(Exception):
    """Base of the projector's errors."""


class ProjectionConflictError(ProjectorError):
    """Other projectors kept moving this contact's view; the record is retried later."""


@dataclass(frozen=True)
class _Outcome:
    """What projecting a user's contacts left undone: `failed` may succeed on a retry,
    `skipped` cannot be projected at all (each logged with its key)."""

    failed: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


@dataclass
class _UserWork:
    """What one batch asks of one user: contacts (highest version seen) and a settings change."""

    contacts: dict[str, int] = field(default_factory=dict)
    records: dict[str, list[str]] = field(default_factory=dict)
    settings_records: list[str] = field(default_factory=list)


class Projector:
    """Keeps the view store equal to a fold of the event store."""

    def __init__(
        self,
        store: EventStore,
        views: ViewStore,
        settings: SettingsRepository,
        due_shards: int,
        retry: RetryPolicy,
        clock: Clock | None = None,
    ) -> None:
        self._clock = clock or SystemClock()
        self._store = store
        self._views = views
        self._settings = settings
        self._due_shards = due_shards
        self._retry = retry

    def handle(self, event: Mapping[str, Any]) -> dict[str, list[dict[str, str]]]:
        """A Lambda DynamoDB-stream event in, `{"batchItemFailures": [...]}` out."""
        work: dict[tuple[str, str], _UserWork] = {}
        failed: list[str] = []
        records = event.get("Records", [])
        self._measure_lag(records)
        for record in records:
            try:
                bell = doorbell(record)
            except MalformedRecordError as error:
                logger.error("poison stream record %s, keys %s", error.sequence_number, error.keys)
                failed.append(error.sequence_number)
                continue
            if bell is not None:
                _note(work.setdefault((bell.tenant_id, bell.user_id), _UserWork()), bell)
        for (tenant_id, user_id), user in work.items():
            failed += self._records_failed(tenant_id, user_id, user)
        count("ProjectionFailures", len(set(failed)))
        return {"batchItemFailures": [{"itemIdentifier": seq} for seq in dict.fromkeys(failed)]}

    def project_contact(self, tenant_id: str, user_id: str, contact_id: str) -> None:
        """Brings one contact's read models up to date now (erasure)."""
        view = self._views.get_views(tenant_id, user_id, [contact_id]).get(contact_id)
        self._project(StreamId(tenant_id, contact_id), view, self._settings_of(tenant_id, user_id))

    def project_contacts(
        self, tenant_id: str, user_id: str, contact_ids: Iterable[str]
    ) -> tuple[str, ...]:
        """Brings several contacts of one user up to date, reading the settings once (rebuild);
        the contacts that cannot be projected at all are skipped and returned."""
        done = self._project_user(tenant_id, user_id, _UserWork(dict.fromkeys(contact_ids, 0)))
        if done.failed:
            raise ProjectorError(f"could not project {list(done.failed)} of {tenant_id}/{user_id}")
        return done.skipped

    def _records_failed(self, tenant_id: str, user_id: str, work: _UserWork) -> list[str]:
        """The sequence numbers of this user's records that could not be projected."""
        try:
            done = self._project_user(tenant_id, user_id, work)
        except Exception:
            logger.exception("could not read the views or settings of %s/%s", tenant_id, user_id)
            return [*work.settings_records, *(s for r in work.records.values() for s in r)]
        # Skipped for good: the records stay unprojected until the stream is mended.
        count("RecordsSetAside", sum(len(work.records.get(c) or [None]) for c in done.skipped))
        # A contact re-projected only for a settings change fails the settings record.
        return [s for c in done.failed for s in work.records.get(c) or work.settings_records]

    def _project_user(self, tenant_id: str, user_id: str, work: _UserWork) -> _Outcome:
        """The contacts left undone, each failure logged with its key."""
        if work.settings_records:
            views = self._views.user_views(tenant_id, user_id)
        else:
            views = self._batched_views(tenant_id, user_id, sorted(work.contacts))
        settings = self._settings_of(tenant_id, user_id)
        fingerprint = settings_fingerprint(settings)
        failed: list[str] = []
        skipped: list[str] = []
        for contact_id in sorted({*work.contacts, *(views if work.settings_records else ())}):
            view = views.get(contact_id)
            if view is not None and view.is_current(work.contacts.get(contact_id, 0), fingerprint):
                continue
            try:
                self._project(StreamId(tenant_id, contact_id), view, settings)
            except UnprojectableStreamError as error:
                logger.error(
                    "skipped T#%s#C#%s, its read models left as they were: %s",
                    tenant_id,
                    contact_id,
                    error.reason,
                )
                skipped.append(contact_id)
            except Exception:
                logger.exception("could not project T#%s#C#%s", tenant_id, contact_id)
                failed.append(contact_id)
        return _Outcome(tuple(failed), tuple(skipped))

    def _measure_lag(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Projection lag: the age of the batch's oldest record (its stream write time)."""
        written = [
            float(at)
            for record in records
            if isinstance(
                at := (record.get("dynamodb") or {}).get("ApproximateCreationDateTime"), int | float
            )
        ]
        if written:
            age = self._clock.now().timestamp() - min(written)
            milliseconds("ProjectionLag", max(age, 0.0) * 1000)

    def _batched_views(
        self, tenant_id: str, user_id: str, contact_ids: Sequence[str]
    ) -> dict[str, ContactView]:
        found: dict[str, ContactView] = {}
        for start in range(0, len(contact_ids), MAX_BATCH_GET):
            chunk = contact_ids[start : start + MAX_BATCH_GET]
            found |= self._views.get_views(tenant_id, user_id, chunk)
        return found

    def _project(self, stream: StreamId, view: ContactView | None, settings: UserSettings) -> None:
        for attempt in self._retry.attempts():
            events = self._store.read(stream)
            if not events:
                return
            new = projected(stream, events, settings)
            if view is not None and view.is_current(new.version, new.fingerprint):
                return
            try:
                self._views.commit(self._write(view, new))
            except LostRaceError:
                attempt.failed()
                view = self._views.get_views(new.tenant_id, new.user_id, [new.contact_id]).get(
                    new.contact_id
                )
                settings = self._settings_of(new.tenant_id, new.user_id)
                continue
            # The latest event's correlation id: the request (or sweep) that caused this write.
            logger.info(
                "projected T#%s#C#%s at version %d",
                stream.tenant_id,
                stream.contact_id,
                new.version,
                extra={"correlation_id": events[-1].correlation_id, "tenant_id": stream.tenant_id},
            )
            return
        raise ProjectionConflictError(f"{stream} kept moving after every attempt")

    def _write(self, old: ContactView | None, new: ContactView) -> ViewWrite:
        before = reminders_of(old, self._due_shards) if old is not None else {}
        after = reminders_of(new, self._due_shards)
        user_key = dash.user_key(new.tenant_id, new.user_id)
        shard_key = dash.shard_key(new.tenant_id, new.user_id)
        found = self._views.get_dashboards([user_key, shard_key])
        user = self._moved_user(found.get(user_key) or Dashboard(user_key), old, new)
        shard = self._moved_shard(found.get(shard_key) or Dashboard(shard_key), old, new, user)
        return ViewWrite(
            old=old,
            new=new,
            put_reminders=tuple(r for key, r in after.items() if before.get(key) != r),
            delete_reminders=tuple(key for key in before if key not in after),
            dashboards=(_over(found, user_key, user), _over(found, shard_key, shard)),
            new_members=() if user_key in found else ((shard_key.shard, new.user_id),),
        )

    def _moved_user(
        self, current: Dashboard, old: ContactView | None, new: ContactView
    ) -> Dashboard:
        moved = dash.moved(current, old, new)
        if moved is not None:
            return moved
        reminders = self._views.user_reminders(new.tenant_id, new.user_id)
        due = dash.reminder_entries(reminders)
        return dash.refilled(current, old, new, due, dash.interviews_of(due))

    def _moved_shard(
        self, current: Dashboard, old: ContactView | None, new: ContactView, user: Dashboard
    ) -> Dashboard:
        moved = dash.moved(current, old, new)
        if moved is not None:
            return moved
        key = current.key
        others = sorted(self._views.shard_members(key.tenant_id, key.shard) - {new.user_id})
        members = [user]
        for start in range(0, len(others), MAX_BATCH_GET):
            chunk = [DashboardKey(key.tenant_id, u) for u in others[start : start + MAX_BATCH_GET]]
            members += self._views.get_dashboards(chunk).values()
        refill = dash.from_members(key, members)
        # The lists come from the members; the counters move as always, by this contact.
        return replace(
            refill,
            revision=current.revision + 1,
            counters=dash.counters_moved(current.counters, _share(old), _share(new)),
        )

    def _settings_of(self, tenant_id: str, user_id: str) -> UserSettings:
        return self._settings.get(tenant_id, user_id) or UserSettings()


def _share(view: ContactView | None) -> Contribution:
    return view.contribution if view is not None else Contribution()


def _over(
    found: dict[DashboardKey, Dashboard], key: DashboardKey, new: Dashboard
) -> DashboardWrite:
    current = found.get(key)
    return DashboardWrite(current.revision if current is not None else None, new)


def _note(user: _UserWork, bell: Doorbell) -> None:
    if isinstance(bell, ContactBell):
        seen = user.contacts.get(bell.contact_id, 0)
        user.contacts[bell.contact_id] = max(seen, bell.version)
        user.records.setdefault(bell.contact_id, []).append(bell.sequence_number)
    else:
        user.settings_records.append(bell.sequence_number)
