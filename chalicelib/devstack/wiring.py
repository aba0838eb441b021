"""The dev stack's choices, made through the composition root: the app's own services on the
local AWS endpoint, every email going to the outbox folder instead of SES, and the stream pump
and sweep a Lambda would otherwise run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.adapters.table_setup import create_tables
from chalicelib.reminders.sweep_report import SweepReport
from chalicelib.settings import Settings

Sweep = Callable[[datetime | None], SweepReport]


def prepare_local_aws(settings: Settings) -> None:
    """Creates the tables on the local endpoint and verifies the reminders' sender in SES."""
    create_tables(aws.client("dynamodb", settings), settings)
    # Commands run against the stack (`remind`) send through SES, which refuses unverified
    # senders; the stack's own sweep writes to the outbox and needs no identity.
    aws.client("ses", settings).verify_email_identity(EmailAddress=settings.reminder_from)


def local_services(settings: Settings, outbox: Path) -> bootstrap.Services:
    """The production services on the local endpoint; the mailer writes `.eml` files."""
    return bootstrap.for_aws(settings, outbox=outbox)


def reminder_sweep(services: bootstrap.Services) -> Sweep:
    """The scheduled sweep's work: as of `now`, or of the clock when None."""
    sweep = services.reminder_sweep
    return lambda now: sweep.run(now)
