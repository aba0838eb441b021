"""Assembles the reminder sweep from its adapters; bootstrap.py calls this once per process."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.dynamodb_settings import DynamoDBSettingsRepository
from chalicelib.clock import Clock
from chalicelib.eventstore.port import EventStore
from chalicelib.reminders.claims import ClaimStore
from chalicelib.reminders.due_index import DueIndex
from chalicelib.reminders.mailer import Mailer
from chalicelib.reminders.sweep import ReminderSweep
from chalicelib.reminders.sweep_report import SweepConfig
from chalicelib.settings import Settings


def build_sweep(
    settings: Settings, dynamodb: Any, store: EventStore, mailer: Mailer, clock: Clock
) -> ReminderSweep:
    """The sweep on DynamoDB; raises SweepConfigError without an unsubscribe secret."""
    return ReminderSweep(
        index=DueIndex(dynamodb, settings.views_table, settings.due_shards),
        claims=ClaimStore(dynamodb, settings.views_table),
        store=store,
        # Uncached on purpose: a user who unsubscribed a minute ago must get nothing more.
        settings=DynamoDBSettingsRepository(dynamodb, settings.events_table),
        mailer=mailer,
        clock=clock,
        config=SweepConfig.from_settings(settings),
    )
