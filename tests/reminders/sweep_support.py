"""A small world for sweep tests: users and contacts made through the real commands, the real
projector fed by the events stream, the real sweep, and moto's SES as the inbox.

Time only moves when a test says so: `at(...)` sets the clock, and a sweep runs as of it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.adapters.memory_mailer import MemoryMailer
from chalicelib.adapters.stream_pump import StreamPump
from chalicelib.auth.identity import Identity
from chalicelib.bootstrap import Services, for_aws, in_memory
from chalicelib.clock import FixedClock
from chalicelib.domain import events as ev
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.port import StreamId
from chalicelib.reminders.mailer import Mailer
from chalicelib.reminders.sweep_report import SweepReport
from chalicelib.settings import Settings
from tests.reminders.mime_reading import ReadEmail, read_email

# Thursday 26 November 2026, 14:00 UTC, as the shared `clock` fixture starts.
T0 = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


def utc(text: str) -> datetime:
    """A UTC instant from `YYYY-MM-DDTHH:MM`, so times in tests read like a calendar."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class World:
    services: Services
    clock: FixedClock
    # The events table's stream fed to the projector as Lambda would; None in memory, where
    # `drain` projects every stream directly.
    pump: StreamPump | None = None

    @classmethod
    def build(cls, settings: Settings, clock: FixedClock) -> World:
        """On moto: DynamoDB, its stream, and SES as the inbox."""
        services = for_aws(settings, clock=clock, sleep=lambda _: None)
        return cls(services, clock, services.stream_pump())

    @classmethod
    def in_memory(cls, settings: Settings, clock: FixedClock) -> World:
        """On the in-memory adapters: no moto, the mailer keeps every email."""
        return cls(in_memory(settings, clock=clock, sleep=lambda _: None), clock)

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def at(self, when: datetime) -> World:
        self.clock.set(when)
        return self

    def user(self, user_id: str = "ada", tenant_id: str = "acme", **settings: Any) -> Identity:
        """A user with saved settings (email included unless `email=None` is given)."""
        email = f"{user_id}@example.edu"
        settings.setdefault("email", email)
        self.save_settings(tenant_id, user_id, **settings)
        return Identity(user_id=user_id, tenant_id=tenant_id, email=email)

    def save_settings(self, tenant_id: str, user_id: str, **changes: Any) -> None:
        repository = self.services.settings_repository
        current = repository.get(tenant_id, user_id) or UserSettings()
        merged = UserSettings.model_validate(current.model_dump() | changes)
        repository.put(tenant_id, user_id, merged)

    def add(self, who: Identity, name: str = "Ada Park", **details: Any) -> str:
        """Adds a contact now; returns its id."""
        added = ev.ContactAdded(name=name, **details)
        outcome = self.services.commands.add_contact(who, added, None)
        return str(outcome.contact["contact_id"])

    def step(
        self, who: Identity, contact_id: str, data: ev.EventData, at: datetime | None = None
    ) -> None:
        """Records a step now (the clock's time), or as having happened `at`."""
        self.services.commands.record_step(who, contact_id, data, occurred_at=at)

    def use_mailer(self, mailer: Mailer) -> None:
        """Sends through `mailer` from the next sweep on."""
        adapters: Any = self.services.adapters
        adapters.__dict__["mailer"] = mailer
        self.services.__dict__.pop("reminder_sweep", None)

    def drain(self) -> None:
        """The projector catches up with every write so far."""
        if self.pump is not None:
            self.pump.drain()
            return
        snapshot = self.services.adapters.events_snapshot()
        for (tenant_id, user_id), contact_ids in snapshot.owners().items():
            self.services.projector.project_contacts(tenant_id, user_id, contact_ids)

    def sweep(
        self, when: datetime | None = None, *, drain: bool = True, **options: Any
    ) -> SweepReport:
        """A sweep as of `when` (default: the clock), after the projector caught up."""
        if when is not None:
            self.at(when)
        if drain:
            self.drain()
        return self.services.reminder_sweep.run(**options)

    def emails(self) -> list[ReadEmail]:
        """Every email sent so far (by SES, or kept in memory), as a mail client reads it."""
        mailer = self.services.mailer
        if isinstance(mailer, MemoryMailer):
            return [read_email(sent.raw) for sent in mailer.sent]
        backend = ses_backends[DEFAULT_ACCOUNT_ID][self.settings.region]
        return [read_email(message.raw_data.encode("utf-8")) for message in backend.sent_messages]

    def reminders_recorded(self, who: Identity, contact_id: str) -> list[ev.ReminderSent]:
        stream = StreamId(who.tenant_id, contact_id)
        events = self.services.event_store.load(stream).events
        return [
            ev.ReminderSent.model_validate(event.data)
            for event in events
            if event.type == ev.ReminderSent.event_type
        ]


def sent_keys(*reports: SweepReport) -> Counter[tuple[str, str, str]]:
    """(contact, action, due time) of every reminder emailed, counted."""
    return Counter(
        (c.reminder.contact_id, c.planned.action.value, c.reminder.identity[3])
        for report in reports
        for c in report.sent
    )


class RequestLog:
    """Counts the DynamoDB operations a client makes, by name."""

    def __init__(self, client: Any) -> None:
        self.operations: list[str] = []
        self._client = client
        client.meta.events.register("before-call.dynamodb.*", self._record)

    def _record(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    def clear(self) -> None:
        self.operations.clear()

    def counts(self) -> Counter[str]:
        return Counter(self.operations)

    def close(self) -> None:
        self._client.meta.events.unregister("before-call.dynamodb.*", self._record)
