"""The projector: turns the events stream's doorbells into contact views, agenda items and
counters, idempotently, whatever the records' order or number.

For each contact a batch names: read its view, then its owner's settings, then its whole
stream (one strongly consistent Query), fold, and write the difference in one transaction
conditioned on the view read (see write_plan). Reading the full stream, rather than the events
after the view's version, keeps views free of a serialized state snapshot; a duplicate or an
old record costs only the batched view read, since a view already at that version (with the
same settings) is skipped before the stream is read.

The view is read before the settings on purpose: if the settings changed after our read, the
projector of that change reads the view after us and either sees our write or makes ours fail
its condition, so stale settings can never overwrite fresh ones.

Failures are per contact: `handle` reports the records of the contacts it could not project as
`batchItemFailures` (Lambda then retries from the lowest one; what succeeded is skipped
cheaply on redelivery). Chalice's `on_dynamodb_record` returns the handler's value to Lambda
untouched, so no Powertools `BatchProcessor` is needed; that processor works record by record,
which would fold a contact once per record instead of once per batch. Poison records are logged
with their keys; after `MaximumRetryAttempts` the event source mapping sets the batch aside on
its on-failure queue (infra/), and `pump` does the same with a bounded count of attempts.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.port import EventStore, StreamId
from chalicelib.projections.doorbells import ContactBell, MalformedRecordError, doorbell
from chalicelib.projections.projection import project, settings_fingerprint
from chalicelib.projections.views_table import LostRaceError, ViewsTable
from chalicelib.projections.write_plan import StoredView, is_noop, transaction
from chalicelib.service.history import state_of
from chalicelib.service.user_settings_port import SettingsRepository

logger = logging.getLogger(__name__)


class ProjectorError(Exception):
    """Base of the projector's errors."""


class ProjectionConflictError(ProjectorError):
    """Other projectors kept moving this contact's view; the record is retried later."""


@dataclass
class _UserWork:
    """What one batch asks of one user: contacts (highest version seen) and a settings change."""

    contacts: dict[str, int] = field(default_factory=dict)
    records: dict[str, list[str]] = field(default_factory=dict)
    settings_records: list[str] = field(default_factory=list)


class Projector:
    """Keeps the views table equal to a fold of the events table."""

    def __init__(
        self,
        store: EventStore,
        views: ViewsTable,
        settings: SettingsRepository,
        due_shards: int,
        *,
        max_attempts: int = 6,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._views = views
        self._settings = settings
        self._due_shards = due_shards
        self._max_attempts = max_attempts
        self._sleep = sleep

    def handle(self, event: Mapping[str, Any]) -> dict[str, list[dict[str, str]]]:
        """A Lambda DynamoDB-stream event in, `{"batchItemFailures": [...]}` out."""
        work: dict[tuple[str, str], _UserWork] = {}
        failed: list[str] = []
        for record in event.get("Records", []):
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
        return {"batchItemFailures": [{"itemIdentifier": seq} for seq in dict.fromkeys(failed)]}

    def project_contact(self, tenant_id: str, user_id: str, contact_id: str) -> None:
        """Brings one contact's read models up to date now (erasure)."""
        view = self._views.get_view(tenant_id, user_id, contact_id)
        settings = self._settings_of(tenant_id, user_id)
        self._project(StreamId(tenant_id, contact_id), view, settings)

    def project_contacts(self, tenant_id: str, user_id: str, contact_ids: Iterable[str]) -> None:
        """Brings several contacts of one user up to date, reading the settings once (rebuild)."""
        failed = self._project_user(tenant_id, user_id, _UserWork(dict.fromkeys(contact_ids, 0)))
        if failed:
            raise ProjectorError(f"could not project {sorted(failed)} of {tenant_id}/{user_id}")

    def _records_failed(self, tenant_id: str, user_id: str, work: _UserWork) -> list[str]:
        """The sequence numbers of this user's records that could not be projected."""
        try:
            failed = self._project_user(tenant_id, user_id, work)
        except Exception:
            logger.exception("could not read the views or settings of %s/%s", tenant_id, user_id)
            return [*work.settings_records, *(s for r in work.records.values() for s in r)]
        # A contact re-projected only for a settings change fails the settings record.
        return [s for c in failed for s in work.records.get(c) or work.settings_records]

    def _project_user(self, tenant_id: str, user_id: str, work: _UserWork) -> list[str]:
        """The contacts that could not be projected (each failure logged with its key)."""
        if work.settings_records:
            views = self._views.user_views(tenant_id, user_id)
        else:
            views = self._views.get_views(tenant_id, user_id, work.contacts)
        settings = self._settings_of(tenant_id, user_id)
        fingerprint = settings_fingerprint(settings)
        failed: list[str] = []
        for contact_id in sorted({*work.contacts, *(views if work.settings_records else ())}):
            view = views.get(contact_id)
            if view is not None and view.is_current(work.contacts.get(contact_id, 0), fingerprint):
                continue
            try:
                self._project(StreamId(tenant_id, contact_id), view, settings)
            except Exception:
                logger.exception("could not project T#%s#C#%s", tenant_id, contact_id)
                failed.append(contact_id)
        return failed

    def _project(self, stream: StreamId, view: StoredView | None, settings: UserSettings) -> None:
        for attempt in range(self._max_attempts):
            events = self._store.read(stream)
            if not events:
                return
            state = state_of(stream.contact_id, events)
            projection = project(stream.tenant_id, state, settings, self._due_shards)
            if is_noop(view, projection):
                return
            try:
                self._views.apply(transaction(self._views.table, view, projection))
                return
            except LostRaceError:
                # Full jitter: projectors that collided on a counter should not collide again.
                self._sleep(random.uniform(0, 0.02 * 2**attempt))  # noqa: S311 - not security
                view = self._views.get_view(stream.tenant_id, state.owner_id, stream.contact_id)
                settings = self._settings_of(stream.tenant_id, state.owner_id)
        raise ProjectionConflictError(f"{stream} kept moving after {self._max_attempts} attempts")

    def _settings_of(self, tenant_id: str, user_id: str) -> UserSettings:
        return self._settings.get(tenant_id, user_id) or UserSettings()


def _note(user: _UserWork, bell: ContactBell | Any) -> None:
    if isinstance(bell, ContactBell):
        seen = user.contacts.get(bell.contact_id, 0)
        user.contacts[bell.contact_id] = max(seen, bell.version)
        user.records.setdefault(bell.contact_id, []).append(bell.sequence_number)
    else:
        user.settings_records.append(bell.sequence_number)
