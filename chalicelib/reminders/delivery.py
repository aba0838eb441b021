"""Delivers one user's due reminders at most once: claim each, send one digest, record each.

A claim is taken before sending and only a send that surely failed gives it back, so two
sweeps at once, or a retried sweep, never email the same reminder twice. A sweep that crashed
mid-send leaves its claim `claimed`; after `stuck_after` the reminder is recorded as sent
without sending it again, since a second copy is worse than a missing one.

A refused email (`MailRejectedError`: SES rejected the address or message, or no valid message
could be built for it) surely left nothing: its claims go back at once, nothing is recorded as
sent, and the sweep counts it as `refused` in its report and log line, with a warning naming
the user. The reminders stay due, so every later sweep tries again and reports the refusal
again until the user's address changes (a new address takes effect only once confirmed).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from chalicelib import correlation
from chalicelib.domain.events import ReminderSent
from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.port import EventStore, StreamId
from chalicelib.inbound.addresses import InboundAddresses, new_mail_id
from chalicelib.inbound.port import MailItem, SentMail, SentMails
from chalicelib.reminders.digest import Recipient, digest, reminder_item
from chalicelib.reminders.mailer import (
    Mailer,
    MailRejectedError,
    MailSendError,
    MailThrottledError,
)
from chalicelib.reminders.render import RenderedEmail, render_digest
from chalicelib.reminders.sent_log import SentLog
from chalicelib.reminders.sweep_report import Candidate, SweepConfig, SweepReport
from chalicelib.reminders.unsubscribe import make_unsubscribe_token, unsubscribe_url
from chalicelib.service.snooze_links import SnoozeLinks
from chalicelib.viewstore.model import ClaimState
from chalicelib.viewstore.port import ViewStore

logger = logging.getLogger(__name__)

ToRecord = list[tuple[Candidate, str | None]]


class Delivery:
    """Claims, sends and records the reminders of one user at a time."""

    def __init__(
        self,
        claims: ViewStore,
        mailer: Mailer,
        store: EventStore,
        config: SweepConfig,
        sent_mails: SentMails | None = None,
    ) -> None:
        self._claims = claims
        self._mailer = mailer
        self._sent_log = SentLog(store)
        self._config = config
        # Under the unsubscribe secret too, in a context of their own (`service.snooze_links`).
        self._snooze_links = SnoozeLinks(config.unsubscribe_secrets, config.app_base_url)
        # Replies need both: the signed address and the record of what the email listed.
        self._sent_mails = sent_mails if config.inbound_domain else None
        self._addresses = (
            InboundAddresses(config.unsubscribe_secrets, config.inbound_domain)
            if config.inbound_domain and sent_mails is not None
            else None
        )

    def deliver(
        self,
        user: tuple[str, str],
        settings: UserSettings,
        due: Sequence[Candidate],
        sweep_id: str,
        report: SweepReport,
    ) -> None:
        """One digest for whatever this sweep won, then `reminder_sent` for all that left."""
        to_send, to_record = self._claim(due, sweep_id, report)
        if to_send:
            message_id = self._send(user, settings, to_send, sweep_id, report)
            if message_id is not None:
                for candidate in to_send:
                    self._claims.mark_sent(candidate.reminder.key, sweep_id, message_id)
                to_record += [(candidate, message_id) for candidate in to_send]
        self._record(to_record, report)

    def _claim(
        self, due: Sequence[Candidate], sweep_id: str, report: SweepReport
    ) -> tuple[list[Candidate], ToRecord]:
        """Splits due reminders into ours to send and ones that only need recording."""
        to_send: list[Candidate] = []
        to_record: ToRecord = []
        for candidate in due:
            held = self._claims.claim(candidate.reminder.key, sweep_id, report.now)
            if held is None:
                to_send.append(candidate)
            elif held.state is ClaimState.SENT:
                to_record.append((candidate, held.message_id))
            elif report.now - held.claimed_at > self._config.stuck_after:
                logger.warning(
                    "reminder %s claimed at %s was never confirmed: recording it as sent, "
                    "without sending it again",
                    candidate.reminder.identity,
                    held.claimed_at,
                )
                to_record.append((candidate, None))
            else:
                report.in_flight += 1
        return to_send, to_record

    def _send(
        self,
        user: tuple[str, str],
        settings: UserSettings,
        to_send: Sequence[Candidate],
        sweep_id: str,
        report: SweepReport,
    ) -> str | None:
        """Sends one digest. Throttled, failed or refused, it surely left nothing: the claims go
        back for a retry. Any other error leaves them held, because the email may have left."""
        try:
            link, rendered = self._compose(user, settings, to_send, report.now)
        except Exception:
            self._release(to_send, sweep_id)
            raise
        assert settings.email is not None
        try:
            message_id = self._mailer.send(settings.email, rendered, link)
        except MailRejectedError as error:
            logger.warning(
                "reminder email to user %s refused, %d reminders not sent; released for the "
                "next sweep, which tries again: %s",
                user,
                len(to_send),
                error,
            )
            self._release(to_send, sweep_id)
            report.refused += len(to_send)
            return None
        except (MailThrottledError, MailSendError) as error:
            logger.warning("reminder email to %s not sent, retrying next sweep: %s", user, error)
            self._release(to_send, sweep_id)
            report.failed += len(to_send)
            return None
        report.emails += 1
        report.sent.extend(to_send)
        for candidate in to_send:
            # Ids only: the contact's name and the user's address stay out of the logs.
            logger.info(
                "reminder %s sent in email %s",
                candidate.reminder.identity,
                message_id,
                extra={
                    "correlation_id": candidate.correlation_id,
                    "tenant_id": candidate.reminder.tenant_id,
                },
            )
        return message_id

    def _compose(
        self,
        user: tuple[str, str],
        settings: UserSettings,
        to_send: Sequence[Candidate],
        now: datetime,
    ) -> tuple[str, RenderedEmail]:
        tenant_id, user_id = user
        token = make_unsubscribe_token(self._config.unsubscribe_secrets, tenant_id, user_id)
        link = unsubscribe_url(self._config.app_base_url, token)
        recipient = Recipient(tenant_id, user_id, settings, self._config.app_base_url, link)
        items = [
            reminder_item(c.state, c.planned, settings, self._snooze_url(user, c, now))
            for c in to_send
        ]
        email = digest(recipient, items, now)
        if self._addresses is None or self._sent_mails is None:
            return link, render_digest(email)
        # The record is written before the email leaves, so a reply never finds it missing;
        # an email that never leaves leaves a record nobody can reply to, gone by TTL.
        mail_id = new_mail_id()
        listed = tuple(MailItem(item.contact_id, item.action, item.due_at) for item in email.items)
        self._sent_mails.put(SentMail(tenant_id, user_id, mail_id, listed, now))
        reply_to = self._addresses.reply_address(tenant_id, user_id, mail_id)
        rendered = render_digest(email.model_copy(update={"reply_address": reply_to}))
        return link, replace(rendered, headers=(*rendered.headers, ("Reply-To", reply_to)))

    def _snooze_url(self, user: tuple[str, str], candidate: Candidate, now: datetime) -> str:
        """The item's one-click snooze, valid 30 days from the email's sending time."""
        tenant_id, user_id = user
        contact_id, action = candidate.reminder.contact_id, candidate.planned.action
        return self._snooze_links.url(tenant_id, user_id, contact_id, action, now)

    def _release(self, to_send: Sequence[Candidate], sweep_id: str) -> None:
        for candidate in to_send:
            self._claims.release(candidate.reminder.key, sweep_id)

    def _record(self, to_record: ToRecord, report: SweepReport) -> None:
        by_contact: dict[StreamId, ToRecord] = defaultdict(list)
        for candidate, message_id in to_record:
            by_contact[candidate.stream].append((candidate, message_id))
        for stream, entries in by_contact.items():
            events = [
                ReminderSent(action=c.planned.action, due_at=c.planned.due_at, message_id=mid)
                for c, mid in entries
            ]
            state = entries[0][0].state
            # `reminder_sent` carries on the correlation id of the step that made it due.
            with correlation.bound(entries[0][0].correlation_id):
                report.recorded += self._sent_log.record(stream, state, events, report.now)
