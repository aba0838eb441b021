"""The composition root: the one place where concrete adapters are chosen and wired.

`bootstrap(adapters, settings, ...)` takes its adapters as arguments (cosmicpython's
`bootstrap`) and every entry point builds through it: the Lambda functions (`services()`, from
the environment), the dev stack, the CLI, the bench and the tests. `AwsAdapters` are DynamoDB
and SES (or the outbox folder, locally); `MemoryAdapters` are the in-memory fakes that the
unit tests and the bench use without moto. No other module constructs an adapter.

Everything is built lazily on first use (never at import, so cold starts stay cheap and
Chalice's test client can apply a stage's environment first), then reused by every invocation
of a warm Lambda.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.auth.verifier import TokenVerifier
from chalicelib.clock import Clock, SystemClock
from chalicelib.eventstore.port import EventStore
from chalicelib.integrations.port import IntegrationsStore
from chalicelib.projections.cursor import CursorSigner, signing_key
from chalicelib.projections.projector import Projector
from chalicelib.projections.read_models import ReadModels
from chalicelib.projections.replay import EventsSnapshot
from chalicelib.reminders.mailer import Mailer
from chalicelib.reminders.sweep import ReminderSweep
from chalicelib.reminders.sweep_report import SweepConfig
from chalicelib.retry import RetryPolicy
from chalicelib.service.commands import ContactCommands
from chalicelib.service.erasure import ErasureService
from chalicelib.service.export import ExportService
from chalicelib.service.queries import ContactQueries
from chalicelib.service.settings_changes import SettingsChanges
from chalicelib.service.throttle import RateLimit, RateLimitStore, TenantThrottle
from chalicelib.service.user_settings_port import (
    CachedSettings,
    PendingEmails,
    SettingsRepository,
)
from chalicelib.settings import Settings
from chalicelib.viewstore.port import ViewStore

if TYPE_CHECKING:
    from chalicelib.adapters.stream_pump import Deliver, StreamPump
    from chalicelib.inbound.addresses import InboundAddresses
    from chalicelib.inbound.port import InboundLedger, SentMails
    from chalicelib.reminders.inbound_mail import InboundMail, StoredMail
    from chalicelib.service.booking_webhooks import BookingWebhooks
    from chalicelib.service.calendar_feeds import CalendarFeeds
    from chalicelib.service.cognito_triggers import CognitoTriggers, UserDirectory
    from chalicelib.service.cohort import Cohort
    from chalicelib.service.contact_import import ContactImport
    from chalicelib.service.email_snoozes import EmailSnoozes
    from chalicelib.service.email_undos import EmailUndos
    from chalicelib.service.integrations import IntegrationsService
    from chalicelib.service.invitations import Invitations
    from chalicelib.service.membership import Membership
    from chalicelib.service.offboarding import Offboarding
    from chalicelib.service.undo_links import UndoLinks
    from chalicelib.tenancy.port import TenancyStore


class Adapters(Protocol):
    """The outside world, as the services need it."""

    @property
    def event_store(self) -> EventStore: ...

    @property
    def view_store(self) -> ViewStore: ...

    @property
    def settings_store(self) -> SettingsRepository:
        """Always read fresh: the projector and the sweep must see the saved settings."""
        ...

    @property
    def pending_emails(self) -> PendingEmails:
        """Address changes waiting for their confirmation links."""
        ...

    @property
    def mailer(self) -> Mailer: ...

    @property
    def rate_limits(self) -> RateLimitStore:
        """Tenants' token buckets (used only when a stage sets a tenant rate)."""
        ...

    @property
    def integrations_store(self) -> IntegrationsStore:
        """Users' webhook ids, sealed signing secrets and calendar feed secrets."""
        ...

    @property
    def sent_mails(self) -> SentMails:
        """Which items each reminder email listed (replies name them by number)."""
        ...

    @property
    def inbound_ledger(self) -> InboundLedger:
        """Inbound messages handled (each once)."""
        ...

    @property
    def stored_mail(self) -> StoredMail:
        """The messages SES received, in S3."""
        ...

    @property
    def tenancy_store(self) -> TenancyStore:
        """Tenants' invitations and members."""
        ...

    @property
    def user_directory(self) -> UserDirectory:
        """The Cognito user pool (only its sign-up triggers use it)."""
        ...

    def events_snapshot(self, tenant_id: str | None = None) -> EventsSnapshot:
        """Every stream and saved settings (operators' rebuild and verify)."""
        ...

    def stream_pump(self, deliver: Deliver, **options: Any) -> StreamPump:
        """The events stream delivered where no Lambda runs (tests, `pump`, `dev`)."""
        ...


class AwsAdapters:
    """DynamoDB for events, settings and read models; SES, or `.eml` files in `outbox`."""

    def __init__(self, settings: Settings, *, outbox: Path | None = None, clock: Clock) -> None:
        self._settings = settings
        self._outbox = outbox
        self._clock = clock

    @cached_property
    def dynamodb(self) -> Any:
        from chalicelib.adapters import aws

        return aws.client("dynamodb", self._settings)

    @cached_property
    def event_store(self) -> EventStore:
        from chalicelib.eventstore.dynamodb import DynamoDBEventStore

        return DynamoDBEventStore(self.dynamodb, self._settings.events_table)

    @cached_property
    def view_store(self) -> ViewStore:
        from chalicelib.viewstore.dynamodb import DynamoDBViewStore

        return DynamoDBViewStore(
            self.dynamodb, self._settings.views_table, self._settings.due_shards
        )

    @cached_property
    def settings_store(self) -> SettingsRepository:
        from chalicelib.adapters.dynamodb_settings import DynamoDBSettingsRepository

        return DynamoDBSettingsRepository(self.dynamodb, self._settings.events_table)

    @cached_property
    def pending_emails(self) -> PendingEmails:
        from chalicelib.adapters.dynamodb_settings import DynamoDBPendingEmails

        return DynamoDBPendingEmails(self.dynamodb, self._settings.events_table)

    @cached_property
    def rate_limits(self) -> RateLimitStore:
        from chalicelib.adapters.dynamodb_rate_limits import DynamoDBRateLimits

        return DynamoDBRateLimits(self.dynamodb, self._settings.limits_table)

    @cached_property
    def integrations_store(self) -> IntegrationsStore:
        from chalicelib.adapters.dynamodb_integrations import DynamoDBIntegrations

        return DynamoDBIntegrations(self.dynamodb, self._settings.events_table)

    @cached_property
    def sent_mails(self) -> SentMails:
        from chalicelib.adapters.dynamodb_inbound import DynamoDBSentMails

        return DynamoDBSentMails(self.dynamodb, self._settings.events_table)

    @cached_property
    def inbound_ledger(self) -> InboundLedger:
        from chalicelib.adapters.dynamodb_inbound import DynamoDBInboundLedger

        return DynamoDBInboundLedger(self.dynamodb, self._settings.events_table)

    @cached_property
    def stored_mail(self) -> StoredMail:
        from chalicelib.adapters import aws
        from chalicelib.adapters.s3_mail import S3StoredMail

        return S3StoredMail(aws.client("s3", self._settings))

    @cached_property
    def tenancy_store(self) -> TenancyStore:
        from chalicelib.adapters.dynamodb_tenancy import DynamoDBTenancyStore

        return DynamoDBTenancyStore(self.dynamodb, self._settings.events_table)

    @cached_property
    def user_directory(self) -> UserDirectory:
        from chalicelib.adapters import aws
        from chalicelib.adapters.cognito_directory import CognitoDirectory

        return CognitoDirectory(aws.client("cognito-idp", self._settings))

    @cached_property
    def mailer(self) -> Mailer:
        if self._outbox is not None:
            from chalicelib.adapters.outbox_mailer import OutboxMailer

            return OutboxMailer(self._outbox, self._settings.reminder_from, clock=self._clock)
        from chalicelib.adapters import aws
        from chalicelib.adapters.ses_mailer import SesMailer

        return SesMailer(
            aws.client("sesv2", self._settings),
            self._settings.reminder_from,
            self._settings.ses_configuration_set,
            clock=self._clock,
        )

    def events_snapshot(self, tenant_id: str | None = None) -> EventsSnapshot:
        from chalicelib.projections.replay import read_events

        return read_events(self.dynamodb, self._settings.events_table, tenant_id)

    def stream_pump(self, deliver: Deliver, **options: Any) -> StreamPump:
        from chalicelib.adapters import aws
        from chalicelib.adapters.stream_pump import StreamPump

        return StreamPump(
            aws.client("dynamodbstreams", self._settings),
            self.dynamodb,
            self._settings.events_table,
            deliver,
            **options,
        )


class MemoryAdapters:
    """Everything in memory: unit tests of projections and the sweep, and the bench."""

    def __init__(self, settings: Settings, *, clock: Clock, mailer: Mailer | None = None) -> None:
        from chalicelib.adapters.memory_mailer import MemoryMailer
        from chalicelib.adapters.memory_rate_limits import InMemoryRateLimits
        from chalicelib.eventstore.memory import InMemoryEventStore
        from chalicelib.inbound.port import InMemoryInboundLedger, InMemorySentMails
        from chalicelib.integrations.port import InMemoryIntegrations
        from chalicelib.service.user_settings_port import (
            InMemoryPendingEmails,
            InMemorySettingsRepository,
        )
        from chalicelib.tenancy.port import InMemoryTenancyStore
        from chalicelib.viewstore.memory import InMemoryViewStore

        self.event_store: EventStore = InMemoryEventStore()
        self.view_store: ViewStore = InMemoryViewStore(settings.due_shards)
        self.settings_store: SettingsRepository = InMemorySettingsRepository()
        self.pending_emails: PendingEmails = InMemoryPendingEmails()
        self.mailer: Mailer = mailer or MemoryMailer(settings.reminder_from, clock)
        self.rate_limits: RateLimitStore = InMemoryRateLimits()
        self.integrations_store: IntegrationsStore = InMemoryIntegrations()
        self.sent_mails: SentMails = InMemorySentMails()
        self.inbound_ledger: InboundLedger = InMemoryInboundLedger()
        self.tenancy_store: TenancyStore = InMemoryTenancyStore()

    @property
    def stored_mail(self) -> StoredMail:
        raise NotImplementedError("in memory, messages are handed over directly: no S3")

    @property
    def user_directory(self) -> UserDirectory:
        raise NotImplementedError("in memory, there is no user pool to place users in")

    def events_snapshot(self, tenant_id: str | None = None) -> EventsSnapshot:
        snapshot = EventsSnapshot()
        store: Any = self.event_store
        for stream in store.streams():
            if tenant_id is None or stream.tenant_id == tenant_id:
                snapshot.streams[stream] = store.read(stream)
        settings: Any = self.settings_store
        snapshot.settings = {
            user: saved
            for user, saved in settings.saved().items()
            if tenant_id is None or user[0] == tenant_id
        }
        return snapshot

    def stream_pump(self, deliver: Deliver, **options: Any) -> StreamPump:
        raise NotImplementedError("in memory, the projector is called directly: no stream")


@dataclass
class Services:
    """Everything a handler may need, built once per process from one set of adapters.

    Handlers are handed the members they name (see `api.chalice_glue`), never this container.
    """

    adapters: Adapters
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    sleep: Callable[[float], None] = time.sleep

    @property
    def event_store(self) -> EventStore:
        return self.adapters.event_store

    @property
    def view_store(self) -> ViewStore:
        return self.adapters.view_store

    @property
    def mailer(self) -> Mailer:
        return self.adapters.mailer

    def stream_pump(self, **options: Any) -> StreamPump:
        """The events stream delivered to this projector, as the event source mapping does."""
        return self.adapters.stream_pump(self.projector.handle, **options)

    @cached_property
    def settings_repository(self) -> SettingsRepository:
        """Cached for a minute per warm Lambda, so a command stays one Query and one write."""
        return CachedSettings(self.adapters.settings_store, self.clock)

    @cached_property
    def verifier(self) -> TokenVerifier:
        from chalicelib.auth.mfa import CoachMfaVerifier

        kind = CoachMfaVerifier if self.settings.coach_mfa_required else TokenVerifier
        return kind.from_settings(self.settings, clock=self.clock)

    @cached_property
    def throttle(self) -> TenantThrottle | None:
        """Each tenant's request rate, when the stage sets one (`TENANT_RATE_LIMIT`)."""
        if self.settings.tenant_rate_limit is None:
            return None
        limit = RateLimit(self.settings.tenant_rate_limit, self.settings.tenant_burst_limit)
        return TenantThrottle(self.adapters.rate_limits, self.clock, limit)

    @cached_property
    def commands(self) -> ContactCommands:
        return ContactCommands(
            self.event_store, self.settings_repository, self.clock, sleep=self.sleep
        )

    @cached_property
    def queries(self) -> ContactQueries:
        return ContactQueries(self.event_store, self.settings_repository, self.clock)

    @cached_property
    def projector(self) -> Projector:
        # Uncached settings: the projector must compute reminders from the saved ones.
        return Projector(
            self.event_store,
            self.view_store,
            self.adapters.settings_store,
            self.settings.due_shards,
            RetryPolicy(max_attempts=6, base_delay=0.02, sleep=self.sleep),
            self.clock,
        )

    @cached_property
    def exports(self) -> ExportService:
        return ExportService(
            self.view_store, self.event_store, self.settings_repository, self.clock
        )

    @cached_property
    def read_models(self) -> ReadModels:
        return ReadModels(self.view_store, CursorSigner(signing_key(self.settings)), self.clock)

    @cached_property
    def erasure(self) -> ErasureService:
        return ErasureService(
            self.event_store, self.clock, self.projector.project_contact, sleep=self.sleep
        )

    @cached_property
    def link_secrets(self) -> tuple[str, ...] | None:
        """The unsubscribe secret's accepted values, newest first: every signed link and
        address of an email is signed with it, each kind in a context of its own. None when
        the stage has none (then no link or address can be made or read)."""
        from chalicelib.reminders.unsubscribe import UnsubscribeSecretError, accepted_secrets

        try:
            return accepted_secrets(self.settings.unsubscribe_secret)
        except UnsubscribeSecretError:
            return None

    @cached_property
    def settings_changes(self) -> SettingsChanges:
        """Settings updates, and the links that confirm a new reminder address (signed with
        the unsubscribe secret under their own context; without one, only the token's own
        address can be chosen)."""
        from chalicelib.reminders.confirmation_mail import ConfirmationMail
        from chalicelib.service.email_links import EmailLinks

        secrets = self.link_secrets
        configured = "app_base_url" in self.settings.model_fields_set
        links = (
            EmailLinks(secrets, self.settings.app_base_url, base_url_configured=configured)
            if secrets is not None
            else None
        )
        return SettingsChanges(
            self.settings_repository,
            self.adapters.pending_emails,
            ConfirmationMail(self.mailer, self.clock),
            links,
            self.clock,
        )

    @cached_property
    def email_snoozes(self) -> EmailSnoozes:
        """The snooze links of reminder emails (signed with the unsubscribe secret under their
        own context; without one, no link reads), recorded through the contact commands."""
        from chalicelib.service.email_snoozes import EmailSnoozes
        from chalicelib.service.snooze_links import SnoozeLinks

        secrets = self.link_secrets
        links = SnoozeLinks(secrets, self.settings.app_base_url) if secrets is not None else None
        return EmailSnoozes(
            links,
            self.commands,
            self.event_store,
            self.settings_repository,
            self.clock,
            membership_ended=self.membership.ended,
        )

    @cached_property
    def integrations(self) -> IntegrationsService:
        """Webhook URLs and secrets (sealed with `WEBHOOK_SECRETS_KEY`), the feed's URL."""
        from chalicelib.integrations.secret_box import SecretBox, derived_key, secrets_key
        from chalicelib.service.integrations import IntegrationsService

        key = secrets_key(self.settings)
        addresses = self.inbound_addresses
        return IntegrationsService(
            self.adapters.integrations_store,
            SecretBox(key),
            derived_key(key, "calendar feed"),
            self.settings.app_base_url,
            (lambda owner: addresses.log_address(owner.tenant_id, owner.user_id))
            if addresses is not None
            else None,
            ended=self.membership.ended,
        )

    @cached_property
    def inbound_addresses(self) -> InboundAddresses | None:
        """`reply+…@` and `log+…@` the inbound domain, signed with the unsubscribe secret in
        a context of their own; None without an inbound domain or a secret."""
        from chalicelib.inbound.addresses import InboundAddresses

        secrets = self.link_secrets
        if not self.settings.inbound_domain or secrets is None:
            return None
        return InboundAddresses(secrets, self.settings.inbound_domain)

    @cached_property
    def undo_links(self) -> UndoLinks | None:
        from chalicelib.service.undo_links import UndoLinks

        secrets = self.link_secrets
        return UndoLinks(secrets, self.settings.app_base_url) if secrets is not None else None

    @cached_property
    def email_undos(self) -> EmailUndos:
        """The undo links of Rapport's answers to emails, recorded through the commands."""
        from chalicelib.service.email_undos import EmailUndos

        return EmailUndos(
            self.undo_links,
            self.commands,
            self.event_store,
            self.clock,
            membership_ended=self.membership.ended,
        )

    @cached_property
    def inbound_mail(self) -> InboundMail:
        """Replies to reminders and Bcc'd emails. Raises InboundNotConfiguredError without an
        inbound domain or an unsubscribe secret (nothing could verify an address)."""
        from chalicelib.reminders.inbound_mail import InboundMail, InboundNotConfiguredError

        addresses, undo_links = self.inbound_addresses, self.undo_links
        if addresses is None or undo_links is None:
            raise InboundNotConfiguredError("set INBOUND_DOMAIN and UNSUBSCRIBE_SECRET")
        return InboundMail(
            addresses=addresses,
            sent_mails=self.adapters.sent_mails,
            ledger=self.adapters.inbound_ledger,
            # Uncached: the reply must see the address the user confirmed a minute ago.
            settings=self.adapters.settings_store,
            commands=self.commands,
            store=self.event_store,
            views=self.view_store,
            mailer=self.mailer,
            undo_links=undo_links,
            clock=self.clock,
            app_base_url=self.settings.app_base_url,
            require_ses_verdicts=self.settings.inbound_require_ses_verdicts,
            stored_mail=self.adapters.stored_mail if self.settings.inbound_bucket else None,
            membership_ended=self.membership.ended,
        )

    @cached_property
    def calendar_feeds(self) -> CalendarFeeds:
        from urllib.parse import urlparse

        from chalicelib.service.calendar_feeds import CalendarFeeds

        return CalendarFeeds(
            self.integrations,
            self.view_store,
            self.settings_repository,
            self.clock,
            domain=urlparse(self.settings.app_base_url).hostname or "rapport.example",
            dashboard_url=self.settings.app_base_url,
        )

    @cached_property
    def booking_webhooks(self) -> BookingWebhooks:
        from chalicelib.service.booking_webhooks import BookingWebhooks

        return BookingWebhooks(
            self.integrations,
            self.commands,
            self.event_store,
            self.view_store,
            self.settings_repository,
            self.clock,
        )

    @cached_property
    def contact_import(self) -> ContactImport:
        """Imported contacts' ids are keyed like the webhook secrets: the same row, the same
        id, on every import of one user."""
        from chalicelib.integrations.secret_box import derived_key, secrets_key
        from chalicelib.service.contact_import import ContactImport

        return ContactImport(
            self.event_store,
            self.view_store,
            self.settings_repository,
            self.clock,
            derived_key(secrets_key(self.settings), "imported contact ids"),
        )

    @cached_property
    def invitations(self) -> Invitations:
        """Invitation links are signed with the unsubscribe secret in a context of their own
        (without one, none can be made or read)."""
        from chalicelib.reminders.tenancy_mail import InviteMail
        from chalicelib.service.invitations import Invitations
        from chalicelib.tenancy.links import InviteLinks

        secrets = self.link_secrets
        links = InviteLinks(secrets, self.settings.app_base_url) if secrets is not None else None
        return Invitations(
            self.adapters.tenancy_store, links, InviteMail(self.mailer, self.clock), self.clock
        )

    @cached_property
    def membership(self) -> Membership:
        """The authorizer's check that a caller was not removed (cached a minute)."""
        from chalicelib.service.membership import Membership

        return Membership(self.adapters.tenancy_store, self.clock)

    @cached_property
    def cohort(self) -> Cohort:
        from chalicelib.service.cohort import Cohort

        return Cohort(self.adapters.tenancy_store, self.read_models, self.clock)

    @cached_property
    def offboarding(self) -> Offboarding:
        from chalicelib.reminders.tenancy_mail import ExportMail
        from chalicelib.service.offboarding import Offboarding

        return Offboarding(
            store=self.adapters.tenancy_store,
            exports=self.exports,
            sender=ExportMail(self.mailer),
            erasure=self.erasure,
            views=self.view_store,
            # Uncached: reminders must stop now, and the erasure must read what is saved.
            settings=self.adapters.settings_store,
            integrations=self.adapters.integrations_store,
            membership=self.membership,
            clock=self.clock,
        )

    @cached_property
    def cognito_triggers(self) -> CognitoTriggers:
        from chalicelib.service.cognito_triggers import CognitoTriggers

        return CognitoTriggers(
            self.invitations, self.adapters.tenancy_store, self.adapters.user_directory
        )

    @cached_property
    def reminder_sweep(self) -> ReminderSweep:
        """Raises SweepConfigError without an unsubscribe secret."""
        return ReminderSweep(
            views=self.view_store,
            store=self.event_store,
            # Uncached on purpose: a user who unsubscribed a minute ago must get nothing more.
            settings=self.adapters.settings_store,
            mailer=self.mailer,
            clock=self.clock,
            config=SweepConfig.from_settings(self.settings),
            sent_mails=self.adapters.sent_mails,
        )


def bootstrap(
    adapters: Adapters,
    settings: Settings,
    *,
    clock: Clock | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Services:
    """The services over these adapters."""
    return Services(adapters, settings, clock or SystemClock(), sleep)


def for_aws(
    settings: Settings,
    *,
    clock: Clock | None = None,
    sleep: Callable[[float], None] = time.sleep,
    outbox: Path | None = None,
) -> Services:
    """The services on AWS (or the local AWS endpoint), emails to SES or to `outbox`."""
    clock = clock or SystemClock()
    adapters = AwsAdapters(settings, outbox=outbox, clock=clock)
    return bootstrap(adapters, settings, clock=clock, sleep=sleep)


def in_memory(
    settings: Settings,
    *,
    clock: Clock | None = None,
    mailer: Mailer | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Services:
    """The services on in-memory adapters (unit tests, the bench)."""
    clock = clock or SystemClock()
    adapters = MemoryAdapters(settings, clock=clock, mailer=mailer)
    return bootstrap(adapters, settings, clock=clock, sleep=sleep)


def event_store_on(client: Any, table_name: str) -> EventStore:
    """Rapport's DynamoDB event store on a table of the caller's (the bench's comparisons)."""
    from chalicelib.eventstore.dynamodb import DynamoDBEventStore

    return DynamoDBEventStore(client, table_name)


_lock = threading.Lock()
_services: Services | None = None


def services() -> Services:
    """The process's services, built from the environment on first use."""
    global _services
    with _lock:
        if _services is None:
            _services = for_aws(with_secrets(Settings.from_env()))
        return _services


def with_secrets(settings: Settings) -> Settings:
    """The settings with the secrets their environment names, read once (per cold start)."""
    wanted = settings.secret_arns()
    if not wanted:
        return settings
    from chalicelib.adapters import aws
    from chalicelib.adapters.secrets import SecretsManagerReader

    reader = SecretsManagerReader(aws.client("secretsmanager", settings))
    return settings.with_secrets(reader.read(wanted))


def install(replacement: Services | None) -> None:
    """Replaces the process's services (tests, the dev runner); None rebuilds from env."""
    global _services
    with _lock:
        _services = replacement
