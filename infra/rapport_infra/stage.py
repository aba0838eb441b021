"""What differs between deployed stages, read from CDK context (`cdk deploy -c stage=prod`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.settings import Settings

APP_NAME = "rapport"
STAGES = ("dev", "prod")


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

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise StageError(f"unknown stage {self.stage!r}; expected one of {STAGES}")
        if "@" not in self.reminder_from:
            raise StageError(f"reminder_from must be an email address, got {self.reminder_from!r}")
        if self.due_shards < 1:
            raise StageError("due_shards must be at least 1")

    @property
    def is_prod(self) -> bool:
        return self.stage == "prod"

    @property
    def stack_name(self) -> str:
        return f"{APP_NAME}-{self.stage}"

    @property
    def sender_domain(self) -> str:
        return self.reminder_from.rsplit("@", 1)[1]

    def name(self, suffix: str) -> str:
        """A stage-aware physical name, so dev and prod can share one account."""
        return f"{APP_NAME}-{self.stage}-{suffix}"

    @classmethod
    def from_context(cls, context: Callable[[str], object]) -> StageConfig:
        """Reads `stage`, `reminder_from`, `app_base_url`, `alarm_email`, `due_shards`."""

        def text(key: str) -> str | None:
            value = context(key)
            return None if value in (None, "") else str(value)

        shards = text("due_shards")
        return cls(
            stage=text("stage") or "dev",
            reminder_from=text("reminder_from") or cls.reminder_from,
            app_base_url=text("app_base_url"),
            alarm_email=text("alarm_email"),
            due_shards=int(shards) if shards else cls.due_shards,
        )
