"""The sweep's configuration, the reminders it works on, and what it reports back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.agenda import PlannedAction
from chalicelib.domain.state import ContactState
from chalicelib.eventstore.port import StreamId
from chalicelib.reminders.unsubscribe import UnsubscribeSecretError, accepted_secrets
from chalicelib.settings import Settings
from chalicelib.timefmt import iso
from chalicelib.viewstore.model import Reminder

# A Lambda runs at most 15 minutes: a claim older than that belongs to a sweep that is gone.
STUCK_AFTER = timedelta(minutes=15)
# Bounds one sweep's work (about 5 requests a reminder) well inside a Lambda's time limit;
# the rest waits 15 minutes for the next sweep.
MAX_ITEMS_PER_SWEEP = 500


class SweepConfigError(Exception):
    """The sweep cannot run with this configuration."""


@dataclass(frozen=True)
class SweepConfig:
    """Where emails link to and how unsubscribe links are signed."""

    app_base_url: str
    unsubscribe_secrets: tuple[str, ...]
    max_items: int = MAX_ITEMS_PER_SWEEP
    stuck_after: timedelta = STUCK_AFTER
    # With an inbound domain, every reminder has `Reply-To: reply+<token>@<domain>`.
    inbound_domain: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SweepConfig:
        try:
            secrets = accepted_secrets(settings.unsubscribe_secret)
        except UnsubscribeSecretError as error:
            # Every email carries an unsubscribe link: no secret, no reminders.
            raise SweepConfigError("set UNSUBSCRIBE_SECRET to send reminders") from error
        return cls(
            app_base_url=settings.app_base_url,
            unsubscribe_secrets=secrets,
            inbound_domain=settings.inbound_domain,
        )


@dataclass(frozen=True)
class Candidate:
    """A reminder confirmed due by a fresh fold of its contact."""

    reminder: Reminder
    planned: PlannedAction
    send_at: datetime
    state: ContactState
    # The step that made it due (the latest the user recorded): its request's correlation id.
    correlation_id: str = ""

    @property
    def stream(self) -> StreamId:
        return StreamId(self.reminder.tenant_id, self.reminder.contact_id)

    def describe(self) -> dict[str, Any]:
        """The line `remind --dry-run` prints."""
        return {
            "tenant_id": self.reminder.tenant_id,
            "user_id": self.reminder.user_id,
            "contact_id": self.reminder.contact_id,
            "name": self.state.name,
            "action": self.planned.action.value,
            "due_at": iso(self.planned.due_at),
            "send_at": iso(self.send_at),
        }


@dataclass
class SweepReport:
    """What one sweep did; in a dry run, `planned` is what it would have sent."""

    now: datetime
    dry_run: bool = False
    planned: list[Candidate] = field(default_factory=list)
    sent: list[Candidate] = field(default_factory=list)
    emails: int = 0
    # Sends that failed and will be retried by the next sweep.
    failed: int = 0
    # Reminders whose email the mail service refused (the address or the message) or that no
    # valid email could be built for: released, never recorded as sent, tried again next sweep.
    refused: int = 0
    # `reminder_sent` events appended (for sends of this sweep or of an interrupted one).
    recorded: int = 0
    # Due in the index but claimed by a sweep still running.
    in_flight: int = 0
    # Expired reminders taken out of the index.
    dropped: int = 0
    # Users with due reminders who turned them off or have no address.
    silent_users: int = 0
    # Users another sweep was working on at the same time.
    busy_users: int = 0
    # Contacts that could not be read, folded or shown (each logged); the rest went on.
    skipped_contacts: int = 0
    errors: int = 0

    def line(self) -> str:
        """The one log line of a sweep: what went out, what waited, what failed."""
        skipped = self.in_flight + self.dropped + self.silent_users + self.busy_users
        kind = "dry run" if self.dry_run else "sweep"
        return (
            f"reminder {kind} as of {iso(self.now)}: {len(self.sent)} sent in {self.emails} "
            f"emails, {skipped} skipped, {self.refused} refused, "
            f"{self.failed + self.errors + self.skipped_contacts} failed"
        )

    def summary(self) -> dict[str, Any]:
        return {
            "now": iso(self.now),
            "dry_run": self.dry_run,
            "planned": len(self.planned),
            "emails": self.emails,
            "reminders_sent": len(self.sent),
            "failed": self.failed,
            "refused": self.refused,
            "recorded": self.recorded,
            "in_flight": self.in_flight,
            "dropped": self.dropped,
            "silent_users": self.silent_users,
            "busy_users": self.busy_users,
            "skipped_contacts": self.skipped_contacts,
            "errors": self.errors,
        }
