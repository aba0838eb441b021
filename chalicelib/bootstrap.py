"""The composition root: the one place where concrete adapters are chosen and wired.

Built lazily on first use (never at import, so cold starts stay cheap and Chalice's test
client can apply a stage's environment first), then reused by every invocation of a warm Lambda.
Tests build their own `Services` with fakes or moto-backed adapters and install them here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from chalicelib.adapters import aws
from chalicelib.adapters.dynamodb_settings import DynamoDBSettingsRepository
from chalicelib.adapters.ses_mailer import SesMailer
from chalicelib.auth.verifier import TokenVerifier
from chalicelib.clock import Clock, SystemClock
from chalicelib.eventstore.dynamodb import DynamoDBEventStore
from chalicelib.eventstore.port import EventStore
from chalicelib.projections.cursor import CursorSigner, signing_key
from chalicelib.projections.projector import Projector
from chalicelib.projections.read_models import ReadModels
from chalicelib.projections.views_table import ViewsTable
from chalicelib.reminders.mailer import Mailer
from chalicelib.reminders.sweep import ReminderSweep
from chalicelib.reminders.wiring import build_sweep
from chalicelib.service.commands import ContactCommands
from chalicelib.service.erasure import ErasureService
from chalicelib.service.queries import ContactQueries
from chalicelib.service.user_settings_port import CachedSettings, SettingsRepository
from chalicelib.settings import Settings


@dataclass
class Services:
    """Everything a handler needs, built once per process."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    sleep: Callable[[float], None] = time.sleep

    @cached_property
    def event_store(self) -> EventStore:
        return DynamoDBEventStore(aws.client("dynamodb", self.settings), self.settings.events_table)

    @cached_property
    def settings_repository(self) -> SettingsRepository:
        repository = DynamoDBSettingsRepository(
            aws.client("dynamodb", self.settings), self.settings.events_table
        )
        return CachedSettings(repository, self.clock)

    @cached_property
    def verifier(self) -> TokenVerifier:
        return TokenVerifier.from_settings(self.settings, clock=self.clock)

    @cached_property
    def commands(self) -> ContactCommands:
        return ContactCommands(
            self.event_store, self.settings_repository, self.clock, sleep=self.sleep
        )

    @cached_property
    def queries(self) -> ContactQueries:
        return ContactQueries(self.event_store, self.settings_repository, self.clock)

    @cached_property
    def views(self) -> ViewsTable:
        return ViewsTable(aws.client("dynamodb", self.settings), self.settings.views_table)

    @cached_property
    def projector(self) -> Projector:
        # Uncached settings: the projector must compute reminders from the saved ones.
        settings = DynamoDBSettingsRepository(
            aws.client("dynamodb", self.settings), self.settings.events_table
        )
        return Projector(
            self.event_store, self.views, settings, self.settings.due_shards, sleep=self.sleep
        )

    @cached_property
    def read_models(self) -> ReadModels:
        signer = CursorSigner(signing_key(self.settings))
        return ReadModels(
            aws.client("dynamodb", self.settings), self.settings.views_table, signer, self.clock
        )

    @cached_property
    def erasure(self) -> ErasureService:
        return ErasureService(self.event_store, self.clock, self.projector.project_contact)

    @cached_property
    def mailer(self) -> Mailer:
        """SES v2 when deployed; the dev stack assigns an OutboxMailer before the first sweep."""
        return SesMailer(
            aws.client("sesv2", self.settings),
            self.settings.reminder_from,
            self.settings.ses_configuration_set,
            clock=self.clock,
        )

    @cached_property
    def reminder_sweep(self) -> ReminderSweep:
        dynamodb = aws.client("dynamodb", self.settings)
        return build_sweep(self.settings, dynamodb, self.event_store, self.mailer, self.clock)


_lock = threading.Lock()
_services: Services | None = None


def services() -> Services:
    """The process's services, built from the environment on first use."""
    global _services
    with _lock:
        if _services is None:
            _services = Services(Settings.from_env())
        return _services


def install(replacement: Services | None) -> None:
    """Replaces the process's services (tests, the dev runner); None rebuilds from env."""
    global _services
    with _lock:
        _services = replacement
