"""The dev stack's choices of adapters: the app's own Services, with every email going to the
outbox folder instead of SES, and the stream pump and sweep a Lambda would otherwise run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from chalicelib.adapters import aws
from chalicelib.adapters.outbox_mailer import OutboxMailer
from chalicelib.adapters.table_setup import create_tables
from chalicelib.bootstrap import Services
from chalicelib.projections.stream_pump import StreamPump
from chalicelib.reminders.sweep_report import SweepReport
from chalicelib.settings import Settings

Sweep = Callable[[datetime | None], SweepReport]


def prepare_local_aws(settings: Settings) -> None:
    """Creates the tables on the local endpoint and verifies the reminders' sender in SES."""
    create_tables(aws.client("dynamodb", settings), settings)
    # Commands run against the stack (`remind`) send through SES, which refuses unverified
    # senders; the stack's own sweep writes to the outbox and needs no identity.
    aws.client("ses", settings).verify_email_identity(EmailAddress=settings.reminder_from)


def local_services(settings: Settings, outbox: Path) -> Services:
    """The production Services on the local endpoint; the mailer writes `.eml` files."""
    services = Services(settings)
    # `mailer` is a cached_property: assigning it first means the SES mailer is never built.
    services.mailer = OutboxMailer(outbox, settings.reminder_from, clock=services.clock)
    return services


def stream_pump(services: Services) -> StreamPump:
    """Delivers the events table's stream to the projector, as the event source mapping does."""
    settings = services.settings
    return StreamPump.for_table(settings, settings.events_table, services.projector.handle)


def reminder_sweep(services: Services) -> Sweep:
    """The scheduled sweep's work: as of `now`, or of the clock when None."""
    sweep = services.reminder_sweep
    return lambda now: sweep.run(now)
