"""Email as an interface: a reply to a reminder records the step it names, and an email the
user sends with their `log+…@` address in Bcc records the outreach, follow-up or thank-you.

One path for every way mail arrives (the dev stack's SMTP server, SES's objects in S3):
1. Read the MIME (`inbound.mime`); a message a machine sent (auto-replies, bounces, lists:
   `inbound.automatic`) is dropped, so two robots never answer each other.
2. Find a genuine Rapport address among the recipients (`inbound.addresses`): the token says
   whose it is, and for a reply which email it answers. A forged or altered token is no address.
3. Only the owner's own address may write (the one their reminders go to, and the only From);
   deployed, SES's SPF and DKIM verdicts must pass too, since a From line alone proves nothing.
4. Each message is handled once, keyed on its Message-ID and the address (`InboundLedger`).
5. Every step is checked against the contact's state first, by the same rules the API applies
   (same 422 reasons): if any is refused, nothing is recorded and the answer says why. Then each
   is recorded through `ContactCommands.record_step` with an idempotency key derived from the
   message, so a redelivery after a failure halfway records the rest and nothing twice.
6. The user gets a short answer: what was recorded, each with an undo link (`step_retracted`).

Whatever is dropped is logged with its reason (ids only, no address or text) and counted; it
gets no answer, so a forger learns nothing and no mail loop can start.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol
from urllib.parse import quote
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from chalicelib.clock import Clock
from chalicelib.domain import events as ev
from chalicelib.domain.errors import DomainError
from chalicelib.domain.fold import evolve
from chalicelib.domain.rules import aimed, check_allowed, refusal
from chalicelib.domain.state import ContactState, Envelope
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, Channel
from chalicelib.eventstore.port import EventStore, StreamId
from chalicelib.inbound.addresses import AddressKind, InboundAddress, InboundAddresses
from chalicelib.inbound.automatic import automatic_reason
from chalicelib.inbound.mime import InboundMessage, UnreadableMessageError, parse_message
from chalicelib.inbound.port import InboundLedger, MailItem, SentMails
from chalicelib.inbound.reply_commands import ReplyCommand, Verb, parse_commands
from chalicelib.inbound.reply_text import new_text
from chalicelib.reminders.mailer import Mailer, MailError
from chalicelib.reminders.render import (
    InboundAnswer,
    Recorded,
    RenderedEmail,
    render_inbound_answer,
)
from chalicelib.service.commands import ContactCommands
from chalicelib.service.email_snoozes import LinkHolder, words
from chalicelib.service.errors import ServiceError
from chalicelib.service.history import state_of
from chalicelib.service.idempotency import IdempotencyRequest
from chalicelib.service.settings_writes import change_settings_safely
from chalicelib.service.undo_links import UndoLink, UndoLinks
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.telemetry import count, logger
from chalicelib.viewstore.port import ViewStore

# `done` records the step an item asks for when it needs no more facts.
_DONE: dict[Action, type[ev.EventData]] = {
    Action.REACH_OUT: ev.OutreachSent,
    Action.FOLLOW_UP: ev.FollowUpSent,
    Action.SEND_THANK_YOU: ev.ThankYouSent,
    Action.CONNECT_LINKEDIN: ev.LinkedinConnected,
}
_DESCRIBED = {
    ev.OutreachSent.event_type: "outreach sent to {name}",
    ev.FollowUpSent.event_type: "follow-up sent to {name}",
    ev.ThankYouSent.event_type: "thank-you sent to {name}",
    ev.LinkedinConnected.event_type: "connected with {name} on LinkedIn",
    ev.ContactArchived.event_type: "{name} archived",
}
_MESSAGE_LIMIT = 5_000  # `OutreachSent.message`'s bound


class StoredMail(Protocol):
    """Where SES keeps what it received (S3): the raw message of one object."""

    def read(self, bucket: str, key: str) -> bytes: ...

    def delete(self, bucket: str, key: str) -> None: ...


@dataclass(frozen=True)
class Received:
    """What became of one message (for logs, tests and the SMTP server's answer)."""

    outcome: str  # "recorded", "answered" (nothing recorded), "dropped" or "duplicate"
    reason: str = ""
    recorded: tuple[str, ...] = ()  # event types, in order
    answered: bool = False


@dataclass(frozen=True)
class _Step:
    contact_id: str
    data: ev.EventData
    name: str


@dataclass
class _Plan:
    """What a message asks for, before anything is written."""

    steps: list[_Step] = field(default_factory=list)
    stop_reminders: bool = False
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    show_help: bool = False
    # Each contact named, as read once (one Query) for the plan and its check.
    states: dict[str, ContactState] = field(default_factory=dict)


class InboundNotConfiguredError(Exception):
    """No inbound domain or no signing secret: no address could be verified."""


class _DroppedError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InboundMail:
    def __init__(
        self,
        *,
        addresses: InboundAddresses,
        sent_mails: SentMails,
        ledger: InboundLedger,
        settings: SettingsRepository,
        commands: ContactCommands,
        store: EventStore,
        views: ViewStore,
        mailer: Mailer,
        undo_links: UndoLinks,
        clock: Clock,
        app_base_url: str,
        require_ses_verdicts: bool,
        stored_mail: StoredMail | None = None,
        membership_ended: Callable[[str, str], bool] | None = None,
    ) -> None:
        self._addresses = addresses
        self._sent_mails = sent_mails
        self._ledger = ledger
        self._settings = settings
        self._commands = commands
        self._store = store
        self._views = views
        self._mailer = mailer
        self._undo_links = undo_links
        self._clock = clock
        self._base_url = app_base_url.rstrip("/")
        self._require_verdicts = require_ses_verdicts
        self._stored_mail = stored_mail
        # Whether the address's user was removed from their tenant: their addresses end with
        # the membership, as their tokens do (None: not checked, unit tests of this class).
        self._membership_ended = membership_ended

    def receive_stored(self, bucket: str, key: str) -> Received:
        """A message SES stored in S3 (the `on_s3_event` Lambda)."""
        if self._stored_mail is None:
            raise RuntimeError("no stored-mail reader is configured")
        received = self.receive(self._stored_mail.read(bucket, key))
        # Handled (recorded, answered, dropped or a duplicate): the message names contacts, so
        # it goes now rather than at the bucket's 7-day expiry, and an erasure leaves no copy.
        # A message whose handling raised stays, for the retries and for a replay.
        self._stored_mail.delete(bucket, key)
        return received

    def receive(self, raw: bytes, envelope_recipients: Sequence[str] = ()) -> Received:
        """Handles one message; `envelope_recipients`: the SMTP `RCPT TO`s when known."""
        try:
            return self._receive(raw, envelope_recipients)
        except _DroppedError as dropped:
            logger.info("inbound mail dropped", extra={"why": dropped.reason})
            count("InboundMailDropped", reason=dropped.reason.split(":")[0])
            return Received("dropped", dropped.reason)

    def _receive(self, raw: bytes, envelope_recipients: Sequence[str]) -> Received:
        try:
            message = parse_message(raw)
        except UnreadableMessageError:
            raise _DroppedError("unreadable") from None
        machine = automatic_reason(message)
        if machine is not None:
            raise _DroppedError(f"automatic: {machine}")
        address, address_text = self._our_address(message, envelope_recipients)
        if self._membership_ended is not None and self._membership_ended(
            address.tenant_id, address.user_id
        ):
            raise _DroppedError("membership ended")
        settings = self._owner_settings(address, message)
        if self._require_verdicts and not message.auth.passed():
            raise _DroppedError("unauthenticated: SES's SPF or DKIM verdict is not PASS")
        key = _message_key(address, address_text, message, raw)
        if self._ledger.handled(address.tenant_id, address.user_id, key):
            return Received("duplicate", "this message was handled already")
        now = self._clock.now()
        if address.kind is AddressKind.REPLY:
            plan = self._reply_plan(address, message, settings, now)
        else:
            plan = self._log_plan(address, message, settings, now)
        if not plan.refused:
            self._check_steps(address, plan, settings, now)
        recorded: list[Recorded] = []
        types: list[str] = []
        if not plan.refused:
            recorded, types = self._record(address, plan, key, settings, now)
        if not self._ledger.mark_handled(address.tenant_id, address.user_id, key, now):
            # Another delivery of this message got here first and answers it.
            return Received("duplicate", "this message was handled by another delivery")
        answered = self._answer(address, message, settings, plan, recorded)
        count("InboundMailAccepted", kind=address.kind.value, recorded=str(bool(types)))
        return Received("recorded" if types else "answered", "", tuple(types), answered)

    def _our_address(
        self, message: InboundMessage, envelope: Sequence[str]
    ) -> tuple[InboundAddress, str]:
        # The envelope first: a Bcc recipient appears nowhere else.
        candidates = [*envelope, *message.envelope_recipients, *message.to, *message.cc]
        for candidate in candidates:
            address = self._addresses.read(candidate)
            if address is not None:
                return address, candidate.strip().lower()
        ours = any(c.strip().lower().endswith("@" + self._addresses.domain) for c in candidates)
        raise _DroppedError("forged token" if ours else "no Rapport address among the recipients")

    def _owner_settings(self, address: InboundAddress, message: InboundMessage) -> UserSettings:
        settings = self._settings.get(address.tenant_id, address.user_id)
        if settings is None or not settings.email:
            raise _DroppedError("the address's user has no reminder address")
        own = settings.email.casefold()
        if len(message.from_addresses) != 1 or message.from_addresses[0].casefold() != own:
            raise _DroppedError("not from the user's own address")
        if message.sender is not None and message.sender.casefold() != own:
            raise _DroppedError("sent on someone else's behalf")
        return settings

    # --- what a reply asks for -------------------------------------------------------------

    def _reply_plan(
        self,
        address: InboundAddress,
        message: InboundMessage,
        settings: UserSettings,
        now: datetime,
    ) -> _Plan:
        plan = _Plan()
        sent = self._sent_mails.get(address.tenant_id, address.user_id, address.mail_id)
        if sent is None or sent.expires_at <= now:
            plan.notes.append(
                "That reminder is too old to answer by email (replies work for 30 days): "
                "open Rapport to record the step."
            )
            return plan
        parsed = parse_commands(new_text(message.text))
        if not parsed.commands:
            plan.show_help = True
            if parsed.not_understood:
                plan.notes.append(f"Rapport did not understand “{parsed.not_understood[0]}”.")
            return plan
        for command in parsed.commands:
            if command.verb is Verb.STOP:
                plan.stop_reminders = True
                continue
            item = _item(command, sent.items, plan)
            if item is None:
                continue
            name = self._state(address, plan, item.contact_id).name or "your contact"
            step = self._command_step(command, item, name, now, plan)
            if step is not None:
                plan.steps.append(step)
        return plan

    def _command_step(
        self, command: ReplyCommand, item: MailItem, name: str, now: datetime, plan: _Plan
    ) -> _Step | None:
        said = _said(command)
        if command.verb is Verb.ARCHIVE:
            return _Step(item.contact_id, ev.ContactArchived(), name)
        if command.verb is Verb.SNOOZE:
            assert command.snooze_for is not None
            try:
                data = ev.ReminderSnoozed(until=now + command.snooze_for, action=item.action)
            except ValidationError:
                plan.refused.append(f"“{said}”: a snooze lasts from 1 hour to 90 days")
                return None
            return _Step(item.contact_id, data, name)
        kind = _DONE.get(item.action)
        if kind is None:
            url = self._contact_url(item.contact_id)
            plan.notes.append(
                f"“{said}”: to {words(item.action)} ({name}), Rapport needs more than a word: "
                f"record it at {url}"
            )
            return None
        return _Step(item.contact_id, kind(), name)

    # --- what a Bcc'd email records --------------------------------------------------------

    def _log_plan(
        self,
        address: InboundAddress,
        message: InboundMessage,
        settings: UserSettings,
        now: datetime,
    ) -> _Plan:
        plan = _Plan()
        own = {settings.email.casefold() if settings.email else ""}
        wanted = {
            recipient.casefold()
            for recipient in (*message.to, *message.cc)
            if recipient.casefold() not in own
            and not recipient.casefold().endswith("@" + self._addresses.domain)
        }
        views = self._views.user_views(address.tenant_id, address.user_id).values()
        matched = sorted(
            {
                view.contact_id
                for view in views
                if not view.erased
                and view.status is not None
                and str(view.public.get("email") or "").casefold() in wanted
            }
        )
        if not matched:
            plan.refused.append(
                "none of the email's recipients is one of your contacts: add them in Rapport "
                "with their email address, then Bcc Rapport again"
            )
            return plan
        text = new_text(message.text).strip()[:_MESSAGE_LIMIT] or None
        for contact_id in matched:
            state = self._state(address, plan, contact_id)
            data = _logged_step(state, settings, now, text)
            name = state.name or "your contact"
            if data is None:
                kind = ev.OutreachSent if state.outreaches_sent == 0 else ev.FollowUpSent
                reason = refusal(state, kind, now, settings) or "no step fits"
                plan.refused.append(f"{name}: {reason}")
                continue
            plan.steps.append(_Step(contact_id, data, name))
        return plan

    # --- checking and recording ------------------------------------------------------------

    def _check_steps(
        self, address: InboundAddress, plan: _Plan, settings: UserSettings, now: datetime
    ) -> None:
        """Every step against the contact's state (each after the ones before it), by the
        API's own rules: the reasons are the 422s' words."""
        states = dict(plan.states)
        checked: list[_Step] = []
        for step in plan.steps:
            state = states.get(step.contact_id) or self._state(address, plan, step.contact_id)
            if not state.exists or state.owner_id != address.user_id:
                plan.refused.append(f"{step.name}: this contact is no longer in Rapport")
                continue
            try:
                check_allowed(state, step.data, now, settings)
                data = aimed(state, step.data, settings, now)
            except DomainError as error:
                plan.refused.append(f"{_step_words(step)}: {error}")
                continue
            envelope = Envelope(state.version + 1, data, now, now, address.user_id)
            states[step.contact_id] = evolve(state, envelope)
            checked.append(_Step(step.contact_id, data, step.name))
        plan.steps = checked

    def _record(
        self,
        address: InboundAddress,
        plan: _Plan,
        key: str,
        settings: UserSettings,
        now: datetime,
    ) -> tuple[list[Recorded], list[str]]:
        caller = LinkHolder(address.tenant_id, address.user_id, settings.email or "")
        recorded: list[Recorded] = []
        types: list[str] = []
        for index, step in enumerate(plan.steps):
            request = IdempotencyRequest.of(
                f"inbound.{key[:40]}.{index}", "POST", "/inbound", step.data.to_data()
            )
            try:
                result = self._commands.record_step(
                    caller, step.contact_id, step.data, idempotency=request
                )
            except (DomainError, ServiceError) as error:
                # The contact changed between the check and the write: say so, go on.
                plan.refused.append(f"{_step_words(step)}: {error}")
                continue
            undo = UndoLink(address.tenant_id, address.user_id, step.contact_id, result.version)
            recorded.append(
                Recorded(self._describe(step, settings), self._undo_links.url(undo, now))
            )
            types.append(step.data.event_type)
        if plan.stop_reminders:
            change_settings_safely(
                self._settings, address.tenant_id, address.user_id, _reminders_off
            )
            plan.notes.append(
                "Reminder emails are off. Turn them back on in Rapport's settings whenever "
                "you like."
            )
        return recorded, types

    def _answer(
        self,
        address: InboundAddress,
        message: InboundMessage,
        settings: UserSettings,
        plan: _Plan,
        recorded: list[Recorded],
    ) -> bool:
        subject = message.subject.strip() or "your email"
        if not subject.lower().startswith("re:"):
            subject = f"Re: {subject}"
        answer = InboundAnswer(
            subject=subject,
            recorded=tuple(recorded),
            refused=tuple(plan.refused),
            notes=tuple(plan.notes),
            show_help=plan.show_help,
            app_base_url=self._base_url,
        )
        rendered = render_inbound_answer(answer)
        headers: list[tuple[str, str]] = []
        if message.message_id:
            # Threaded under the user's message in their mail client.
            headers.append(("In-Reply-To", message.message_id))
            references = " ".join((*message.references, message.message_id))
            headers.append(("References", references))
        assert settings.email is not None
        try:
            self._mailer.send(
                settings.email, _with_headers(rendered, headers), unsubscribe_url=None
            )
        except MailError as error:
            # The steps are recorded and the message marked: an answer is not worth a retry
            # that could record nothing more.
            logger.warning("the answer to an inbound email was not sent: %s", error)
            return False
        return True

    # --- helpers -----------------------------------------------------------------------------

    def _state(self, address: InboundAddress, plan: _Plan, contact_id: str) -> ContactState:
        """The contact as read for this message (once: the plan keeps it)."""
        if contact_id not in plan.states:
            stream = StreamId(address.tenant_id, contact_id)
            plan.states[contact_id] = state_of(contact_id, self._store.load(stream).events)
        return plan.states[contact_id]

    def _contact_url(self, contact_id: str) -> str:
        return f"{self._base_url}/#/contacts/{quote(contact_id, safe='')}"

    def _describe(self, step: _Step, settings: UserSettings) -> str:
        if isinstance(step.data, ev.ReminderSnoozed):
            until = step.data.until.astimezone(ZoneInfo(settings.timezone))
            action = words(step.data.action) if step.data.action else "the next step"
            return (
                f"{action} ({step.name}) snoozed until {until:%a} {until.day} {until:%b} "
                f"{until:%H:%M}"
            )
        template = _DESCRIBED.get(step.data.event_type, "{step} for {name}")
        text = template.format(name=step.name, step=step.data.event_type.replace("_", " "))
        return text[0].upper() + text[1:]


def _item(command: ReplyCommand, items: Sequence[MailItem], plan: _Plan) -> MailItem | None:
    said = _said(command)
    if command.item is None:
        if len(items) == 1:
            return items[0]
        plan.refused.append(
            f"“{said}”: that email listed {len(items)} steps; put the step's number first, "
            f"like “2 {command.verb.value}”"
        )
        return None
    if not 1 <= command.item <= len(items):
        listed = "1 step" if len(items) == 1 else f"{len(items)} steps"
        plan.refused.append(f"“{said}”: that email has no step {command.item} (it listed {listed})")
        return None
    return items[command.item - 1]


def _said(command: ReplyCommand) -> str:
    number = f"{command.item} " if command.item is not None else ""
    return f"{number}{command.verb.value}"


def _step_words(step: _Step) -> str:
    return f"{step.data.event_type.replace('_', ' ')} ({step.name})"


def _logged_step(
    state: ContactState, settings: UserSettings, now: datetime, text: str | None
) -> ev.EventData | None:
    """The step an email the user sent to this contact is: a thank-you after the interview,
    else the first outreach, else a follow-up (within the user's `max_follow_ups`)."""
    if refusal(state, ev.ThankYouSent, now, settings) is None:
        return ev.ThankYouSent(channel=Channel.EMAIL)
    first = state.outreaches_sent == 0 and state.follow_ups_sent == 0
    kind = ev.OutreachSent if first else ev.FollowUpSent
    if refusal(state, kind, now, settings) is None:
        return kind(channel=Channel.EMAIL, message=text)
    return None


def _message_key(
    address: InboundAddress, address_text: str, message: InboundMessage, raw: bytes
) -> str:
    """One key per message and address: its Message-ID (or, without one, its bytes)."""
    identity = message.message_id or "sha256:" + hashlib.sha256(raw).hexdigest()
    material = "\x1f".join((address.tenant_id, address.user_id, address_text, identity))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _reminders_off(saved: UserSettings | None) -> UserSettings | None:
    current = saved or UserSettings()
    if not current.reminders_enabled:
        return None
    return current.model_copy(update={"reminders_enabled": False})


def _with_headers(rendered: RenderedEmail, headers: list[tuple[str, str]]) -> RenderedEmail:
    return replace(rendered, headers=(*rendered.headers, *headers))
