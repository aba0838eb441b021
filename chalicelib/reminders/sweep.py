"""The reminder sweep: due index → fresh fold of each contact → one digest per user.

The index only nominates (it is eventually consistent, and keyed with the settings of its
last projection); the contact's events and the user's current settings decide (`judge`, a pure
function). Delivery, at most once per reminder, is `Delivery`'s job.

Trouble is kept as small as it can be: a contact that cannot be read, folded or judged, or whose
times an email could not show, is logged and skipped, and the user's other contacts go out; a
user whose sweep fails costs only that user.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chalicelib.clock import Clock
from chalicelib.domain.agenda import PlannedAction, agenda, expired, off_the_calendar
from chalicelib.domain.events import ReminderSent
from chalicelib.domain.reminder_time import in_window, send_time
from chalicelib.domain.state import ContactState
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.port import EventStore, StoredEvent, StreamId
from chalicelib.inbound.port import SentMails
from chalicelib.reminders.delivery import Delivery
from chalicelib.reminders.mailer import Mailer
from chalicelib.reminders.sweep_report import Candidate, SweepConfig, SweepReport
from chalicelib.service.history import state_of
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.telemetry import count
from chalicelib.timefmt import iso
from chalicelib.viewstore.model import Reminder
from chalicelib.viewstore.port import ViewStore

logger = logging.getLogger(__name__)


class ReminderSweep:
    """Sends what is due, once. Safe to run twice, or twice at the same time."""

    def __init__(
        self,
        *,
        views: ViewStore,
        store: EventStore,
        settings: SettingsRepository,
        mailer: Mailer,
        clock: Clock,
        config: SweepConfig,
        sent_mails: SentMails | None = None,
    ) -> None:
        self._views = views
        self._store = store
        self._settings = settings
        self._clock = clock
        self._config = config
        self._delivery = Delivery(views, mailer, store, config, sent_mails)

    def run(self, now: datetime | None = None, *, dry_run: bool = False) -> SweepReport:
        """One sweep as of `now` (default: the clock); `dry_run` reads but never writes or sends."""
        report = SweepReport(now=now or self._clock.now(), dry_run=dry_run)
        by_user: dict[tuple[str, str], list[Reminder]] = defaultdict(list)
        for reminder in self._views.due(report.now, self._config.max_items):
            by_user[reminder.user].append(reminder)
        sweep_id = uuid.uuid4().hex
        for user, reminders in by_user.items():
            try:
                self._user(user, reminders, report, sweep_id)
            except Exception:
                # One user's trouble must not cost everyone else their reminders.
                logger.exception("reminder sweep failed for user %s", user)
                report.errors += 1
        logger.info("%s", report.line())
        if not dry_run:
            _count(report)
        return report

    def _user(
        self,
        user: tuple[str, str],
        reminders: Sequence[Reminder],
        report: SweepReport,
        sweep_id: str,
    ) -> None:
        # Read fresh, never cached: a user who unsubscribed a minute ago gets nothing more.
        settings = self._settings.get(*user)
        if settings is None or not settings.email or not settings.reminders_enabled:
            # The projector takes a user's reminders out of the index when they are turned
            # off, so this costs a read only until it catches up.
            logger.debug("no reminders for user %s: turned off, or no email address", user)
            report.silent_users += 1
            return
        # Never at night: outside the user's reminder window their due reminders stay in the
        # index, unsent and unmarked, for the next window's sweep (expired ones still leave).
        open_now = in_window(report.now, settings)
        if report.dry_run:
            planned = self._judge(reminders, settings, report)
            if open_now:
                report.planned.extend(planned)
            return
        if not self._views.hold_user(user, sweep_id, report.now, self._config.stuck_after):
            report.busy_users += 1  # an overlapping sweep is on it
            return
        try:
            due = self._judge(reminders, settings, report)
            if due and open_now:
                self._delivery.deliver(user, settings, due, sweep_id, report)
        finally:
            self._views.release_user(user, sweep_id)

    def _judge(
        self, reminders: Sequence[Reminder], settings: UserSettings, report: SweepReport
    ) -> list[Candidate]:
        """The reminders a fresh fold confirms (one Query per contact); expired ones leave
        the index."""
        due: list[Candidate] = []
        states: dict[StreamId, tuple[ContactState, str]] = {}
        skipped: set[StreamId] = set()
        for reminder in reminders:
            stream = StreamId(reminder.tenant_id, reminder.contact_id)
            if stream in skipped:
                continue
            try:
                state, cause = states[stream] if stream in states else self._fresh_state(stream)
                judgement = judge(state, reminder, settings, report.now)
            except Exception as error:
                _skipped(stream, error)
                skipped.add(stream)
                report.skipped_contacts += 1
                continue
            states[stream] = (state, cause)
            if judgement.verdict is Verdict.SEND:
                assert judgement.planned is not None
                assert judgement.send_at is not None
                due.append(Candidate(reminder, judgement.planned, judgement.send_at, state, cause))
            elif judgement.verdict is Verdict.EXPIRED and not report.dry_run:
                report.dropped += int(self._views.drop_due(reminder))
        return due

    def _fresh_state(self, stream: StreamId) -> tuple[ContactState, str]:
        """The contact's state, and the correlation id of the step that set its agenda."""
        events = self._store.load(stream).events
        state = state_of(stream.contact_id, events)
        odd = off_the_calendar(state)
        if odd:
            # The email shows these in the user's timezone, and rendering them would fail
            # the whole digest: the other contacts' reminders with it.
            raise OffTheCalendarError(f"it has times no email can show: {', '.join(odd)}")
        return state, _cause(events)


def _cause(events: Sequence[StoredEvent]) -> str:
    """The latest step's correlation id: reminders the sweep records cause nothing due."""
    steps = [e for e in events if e.type != ReminderSent.event_type]
    return steps[-1].correlation_id if steps else ""


def _count(report: SweepReport) -> None:
    """The sweep's metrics; `RemindersFailed` is what the `sweep-failures` alarm watches."""
    count("RemindersSent", len(report.sent))
    count("RemindersDeferred", report.failed)  # throttled or unsent: the next sweep retries
    count("RemindersFailed", report.errors + report.skipped_contacts)
    count("EmailsRefused", report.refused)


def _skipped(stream: StreamId, error: Exception) -> None:
    key = f"T#{stream.tenant_id}#C#{stream.contact_id}"
    if isinstance(error, OffTheCalendarError):
        logger.error("reminder sweep skipped contact %s: %s", key, error)
    else:
        logger.exception("reminder sweep skipped contact %s, which it could not judge", key)


class SweepError(Exception):
    """Base of the sweep's errors."""


class OffTheCalendarError(SweepError):
    """A contact's stored times lie off the calendar (year 1, year 9999): not remindable."""


class Verdict(StrEnum):
    SEND = "send"
    # Due by the index, not yet by the user's current settings: the projector will re-key it.
    WAIT = "wait"
    # `reminder_sent` is on the stream already.
    SENT = "sent"
    # Gone from the agenda (done, moved, or the contact archived, declined or erased): the
    # projector takes it out of the index when it catches up.
    STALE = "stale"
    # Still on the agenda but past its moment (questions for an interview that has started).
    # Projections do not depend on the time, so only the sweep can take it out of the index.
    EXPIRED = "expired"


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    planned: PlannedAction | None = None
    send_at: datetime | None = None


def judge(
    state: ContactState, reminder: Reminder, settings: UserSettings, now: datetime
) -> Judgement:
    """The verdict on one reminder, with the agenda entry it matches when it is still open."""
    if not state.exists or state.owner_id != reminder.user_id:
        return Judgement(Verdict.STALE)
    due = iso(reminder.due_at)
    if any(a is reminder.action and iso(at) == due for a, at in state.reminders_sent):
        return Judgement(Verdict.SENT)
    planned = next(
        (
            p
            for p in agenda(state, settings)
            if p.action is reminder.action and iso(p.due_at) == due
        ),
        None,
    )
    if planned is None:
        return Judgement(Verdict.STALE)
    if expired(planned, now):
        return Judgement(Verdict.EXPIRED, planned)
    at = send_time(planned, settings)
    if at > now:
        return Judgement(Verdict.WAIT, planned, at)
    return Judgement(Verdict.SEND, planned, at)
