"""What differs between deployed stages, read from CDK context (`cdk deploy -c stage=prod`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.settings import Settings

APP_NAME = "rapport"
STAGES = ("dev", "prod")
# Cognito threat protection: off (Essentials plan), audit only, or enforced (both Plus).
THREAT_PROTECTION = ("off", "audit", "enforced")
# A DNS name of labels of letters, digits and inner hyphens: the inbound domain SES receives for.
_DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


class StageError(ValueError):
    """The CDK context names an unknown stage or holds an unusable value."""


@dataclass(frozen=True)
class StageConfig:
    """One deployed stage: its name and the few values an operator chooses per deploy."""

    stage: str
    reminder_from: str = "reminders@rapport.example"
    # Where links in emails and the hosted UI's redirects point. Left unset, emails link to the
    # API's own URL; the API itself cannot be told its URL without a dependency cycle.
    app_base_url: str | None = None
    alarm_email: str | None = None
    due_shards: int = Settings.model_fields["due_shards"].default
    # API Gateway's limits for the whole stage: requests per second sustained, and at once.
    stage_rate_limit: int = 100
    stage_burst_limit: int = 200
    # Each tenant's share of it, kept by the app's token bucket (TENANT_RATE_LIMIT, ...): a
    # tenant is a whole cohort, so a class opening its dashboards at once fits in the burst.
    tenant_rate_limit: int = 25
    tenant_burst_limit: int = 100
    # The WAF's limit per client IP, per 5 minutes; generous because a campus shares few IPs.
    ip_rate_limit: int = 6000
    # Unset: enforced in prod, off in dev (see THREAT_PROTECTION and README, "Cost").
    threat_protection: str | None = None
    # Where users' replies and Bcc'd emails arrive (`reply+…@`, `log+…@`). Unset:
    # `in.{sender_domain}`, a subdomain whose MX can point at SES without touching the
    # sender domain's own mail.
    inbound_domain: str | None = None

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise StageError(f"unknown stage {self.stage!r}; expected one of {STAGES}")
        if "@" not in self.reminder_from:
            raise StageError(f"reminder_from must be an email address, got {self.reminder_from!r}")
        if self.due_shards < 1:
            raise StageError("due_shards must be at least 1")
        if not 0 < self.tenant_rate_limit <= self.stage_rate_limit:
            raise StageError("tenant_rate_limit must be positive and at most stage_rate_limit")
        if not 0 < self.tenant_burst_limit <= self.stage_burst_limit:
            raise StageError("tenant_burst_limit must be positive and at most stage_burst_limit")
        if self.ip_rate_limit < 10:
            raise StageError("ip_rate_limit must be at least 10 (the WAF's minimum)")
        if self.threat_protection not in (None, *THREAT_PROTECTION):
            raise StageError(f"threat_protection must be one of {THREAT_PROTECTION}")
        if not _DOMAIN.fullmatch(self.receiving_domain):
            raise StageError(
                f"inbound_domain must be a lowercase domain name, got {self.receiving_domain!r}"
            )

    @property
    def is_prod(self) -> bool:
        return self.stage == "prod"

    @property
    def threat_protection_mode(self) -> str:
        """What Cognito's threat protection does: `off`, `audit` or `enforced`."""
        return self.threat_protection or ("enforced" if self.is_prod else "off")

    @property
    def stack_name(self) -> str:
        return f"{APP_NAME}-{self.stage}"

    @property
    def sender_domain(self) -> str:
        return self.reminder_from.rsplit("@", 1)[1]

    @property
    def receiving_domain(self) -> str:
        """The domain SES receives mail for (its MX record points at SES)."""
        return self.inbound_domain or f"in.{self.sender_domain.lower()}"

    def name(self, suffix: str) -> str:
        """A stage-aware physical name, so dev and prod can share one account."""
        return f"{APP_NAME}-{self.stage}-{suffix}"

    @classmethod
    def from_context(cls, context: Callable[[str], object]) -> StageConfig:
        """Reads `stage`, `reminder_from`, `app_base_url`, `alarm_email`, `due_shards`, the
        limits (`stage_rate_limit`, `stage_burst_limit`, `tenant_rate_limit`,
        `tenant_burst_limit`, `ip_rate_limit`), `threat_protection` and `inbound_domain`."""

        def text(key: str) -> str | None:
            value = context(key)
            return None if value in (None, "") else str(value)

        def number(key: str) -> int:
            value = text(key)
            try:
                return int(value) if value else getattr(cls, key)
            except ValueError as error:
                raise StageError(f"{key} must be a whole number, got {value!r}") from error

        return cls(
            stage=text("stage") or "dev",
            reminder_from=text("reminder_from") or cls.reminder_from,
            app_base_url=text("app_base_url"),
            alarm_email=text("alarm_email"),
            due_shards=number("due_shards"),
            stage_rate_limit=number("stage_rate_limit"),
            stage_burst_limit=number("stage_burst_limit"),
            tenant_rate_limit=number("tenant_rate_limit"),
            tenant_burst_limit=number("tenant_burst_limit"),
            ip_rate_limit=number("ip_rate_limit"),
            threat_protection=text("threat_protection"),
            inbound_domain=text("inbound_domain"),
        )
