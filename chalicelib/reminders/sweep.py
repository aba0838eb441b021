"""The reminder sweep: due index → fresh fold → claim → one digest per user → `reminder_sent`.

Delivery is at most once per (contact, action, due time): a claim is taken before sending and
only a send that surely failed gives it back. A sweep that crashed mid-send leaves its claim
`claimed`; after `stuck_after` the next sweep records the reminder without sending it again.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from chalicelib.clock import Clock
from chalicelib.domain.events import ReminderSent
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.port import EventStore, StreamId
from chalicelib.reminders.claims import ClaimState, ClaimStore
from chalicelib.reminders.compose import Recipient, digest, reminder_item
from chalicelib.reminders.due_index import DueIndex
from chalicelib.reminders.due_items import DueReminder
from chalicelib.reminders.mailer import Mailer, MailError
from chalicelib.reminders.render import RenderedEmail, render_digest
from chalicelib.reminders.sent_log import SentLog
from chalicelib.reminders.sweep_report import Candidate, SweepConfig, SweepReport
from chalicelib.reminders.unsubscribe import make_unsubscribe_token, unsubscribe_url
from chalicelib.reminders.verdict import Verdict, judge
from chalicelib.service.history import state_of
from chalicelib.service.user_settings_port import SettingsRepository

logger = logging.getLogger(__name__)


class ReminderSweep:
    """Sends what is due, once. Safe to run twice, or twice at the same time."""

    def __init__(
        self,
        *,
        index: DueIndex,
        claims: ClaimStore,
        store: EventStore,
        settings: SettingsRepository,
        mailer: Mailer,
        clock: Clock,
        config: SweepConfig,
    ) -> None:
        self._index = index
        self._claims = claims
        self._store = store
        self._settings = settings
        self._mailer = mailer
        self._clock = clock
        self._config = config
        self._sent_log = SentLog(store)

    def run(self, now: datetime | None = None, *, dry_run: bool = False) -> SweepReport:
        """One sweep as of `now` (default: the clock); `dry_run` reads but never writes or sends."""
        report = SweepReport(now=now or self._clock.now(), dry_run=dry_run)
        by_user: dict[tuple[str, str], list[DueReminder]] = defaultdict(list)
        for reminder in self._index.due(report.now, self._config.max_items):
            by_user[reminder.user].append(reminder)
        sweep_id = uuid.uuid4().hex
        for (tenant_id, user_id), reminders in by_user.items():
            try:
                self._user(tenant_id, user_id, reminders, report, sweep_id)
            except Exception:
                # One user's trouble must not cost everyone else their reminders.
                logger.exception("reminder sweep failed for user %s/%s", tenant_id, user_id)
                report.errors += 1
        logger.info("reminder sweep done: %s", report.summary())
        return report

    def _user(
        self,
        tenant_id: str,
        user_id: str,
        reminders: Sequence[DueReminder],
        report: SweepReport,
        sweep_id: str,
    ) -> None:
        settings = self._settings.get(tenant_id, user_id)
        if settings is None or not settings.email or not settings.reminders_enabled:
            logger.info("no reminders for %s/%s: off or no email address", tenant_id, user_id)
            if not report.dry_run:
                self._park(tenant_id, user_id, reminders, report)
            return
        due = self._judge(reminders, settings, report)
        if report.dry_run:
            report.planned.extend(due)
            return
        to_send, to_record = self._claim(due, sweep_id, report)
        if to_send:
            message_id = self._deliver(tenant_id, user_id, settings, to_send, sweep_id, report)
            if message_id is not None:
                for candidate in to_send:
                    self._claims.mark_sent(candidate.reminder, sweep_id, message_id)
                to_record += [(candidate, message_id) for candidate in to_send]
        self._record(to_record, report)

    def _park(
        self,
        tenant_id: str,
        user_id: str,
        reminders: Sequence[DueReminder],
        report: SweepReport,
    ) -> None:
        """Takes a silent user's reminders out of the index so they cost no further sweeps.

        The projector puts them back when the settings change. Settings saved between our read
        and our removal would be missed by that, so they are read once more afterwards.
        """
        dropped = [reminder for reminder in reminders if self._index.drop(reminder)]
        report.parked += len(dropped)
        fresh = self._settings.get(tenant_id, user_id)
        if dropped and fresh is not None and fresh.email and fresh.reminders_enabled:
            for reminder in dropped:
                self._index.restore(reminder)

    def _judge(
        self, reminders: Sequence[DueReminder], settings: UserSettings, report: SweepReport
    ) -> list[Candidate]:
        due: list[Candidate] = []
        states = {}
        for reminder in reminders:
            stream = StreamId(reminder.tenant_id, reminder.contact_id)
            if stream not in states:
                states[stream] = state_of(stream.contact_id, self._store.load(stream).events)
            judgement = judge(states[stream], reminder, settings, report.now)
            if judgement.verdict is Verdict.SEND:
                assert judgement.planned is not None and judgement.send_at is not None
                due.append(
                    Candidate(reminder, judgement.planned, judgement.send_at, states[stream])
                )
            elif judgement.verdict in (Verdict.SENT, Verdict.STALE) and not report.dry_run:
                report.dropped += int(self._index.drop(reminder))
        return due

    def _claim(
        self, due: Sequence[Candidate], sweep_id: str, report: SweepReport
    ) -> tuple[list[Candidate], list[tuple[Candidate, str | None]]]:
        """Splits due reminders into ours to send and ones only left to record."""
        to_send: list[Candidate] = []
        to_record: list[tuple[Candidate, str | None]] = []
        for candidate in due:
            held = self._claims.claim(candidate.reminder, sweep_id, report.now)
            if held is None:
                to_send.append(candidate)
            elif held.state is ClaimState.SENT:
                to_record.append((candidate, held.message_id))
            elif report.now - held.claimed_at > self._config.stuck_after:
                logger.warning(
                    "reminder %s was claimed at %s and never confirmed: recording it as sent "
                    "without sending again",
                    candidate.reminder.identity,
                    held.claimed_at,
                )
                to_record.append((candidate, None))
            else:
                report.in_flight += 1
        return to_send, to_record

    def _deliver(
        self,
        tenant_id: str,
        user_id: str,
        settings: UserSettings,
        to_send: Sequence[Candidate],
        sweep_id: str,
        report: SweepReport,
    ) -> str | None:
        """Sends one digest; on a failure that surely sent nothing, releases the claims.

        Any other error from the mailer leaves the claims held: the email may have left.
        """
        try:
            link, rendered = self._compose(tenant_id, user_id, settings, to_send, report.now)
        except Exception:
            self._release(to_send, sweep_id)
            raise
        assert settings.email is not None
        try:
            message_id = self._mailer.send(settings.email, rendered, link)
        except MailError as error:
            logger.warning(
                "reminder email to %s/%s not sent, retrying next sweep: %s",
                tenant_id,
                user_id,
                error,
            )
            self._release(to_send, sweep_id)
            report.failed += len(to_send)
            return None
        report.emails += 1
        report.sent.extend(to_send)
        return message_id

    def _compose(
        self,
        tenant_id: str,
        user_id: str,
        settings: UserSettings,
        to_send: Sequence[Candidate],
        now: datetime,
    ) -> tuple[str, RenderedEmail]:
        token = make_unsubscribe_token(self._config.unsubscribe_secrets, tenant_id, user_id)
        link = unsubscribe_url(self._config.app_base_url, token)
        recipient = Recipient(tenant_id, user_id, settings, self._config.app_base_url, link)
        items = [reminder_item(c.state, c.planned, settings) for c in to_send]
        return link, render_digest(digest(recipient, items, now))

    def _release(self, to_send: Sequence[Candidate], sweep_id: str) -> None:
        for candidate in to_send:
            self._claims.release(candidate.reminder, sweep_id)

    def _record(
        self, to_record: Sequence[tuple[Candidate, str | None]], report: SweepReport
    ) -> None:
        by_contact: dict[StreamId, list[tuple[Candidate, str | None]]] = defaultdict(list)
        for candidate, message_id in to_record:
            by_contact[candidate.stream].append((candidate, message_id))
        for stream, entries in by_contact.items():
            events = [
                ReminderSent(action=c.planned.action, due_at=c.planned.due_at, message_id=mid)
                for c, mid in entries
            ]
            report.recorded += self._sent_log.record(
                stream, entries[0][0].state, events, report.now
            )
