"""Where a user's integrations are kept: one record per user, beside their settings."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Protocol

PROVIDERS = ("calendly", "calcom")


@dataclass(frozen=True)
class IntegrationsRecord:
    """The user's webhook id, the calendar feed's secret (as a nonce and a hash, never the
    secret itself), and each provider's signing secret, sealed (`secret_box`)."""

    hook_id: str
    calendar_nonce: str
    calendar_hash: str
    sealed_secrets: dict[str, str] = field(default_factory=dict)

    def configured(self, provider: str) -> bool:
        return provider in self.sealed_secrets


class IntegrationsStore(Protocol):
    def get(self, tenant_id: str, user_id: str) -> IntegrationsRecord | None:
        """The saved record, read consistently (a rotation must take effect at once)."""
        ...

    def get_or_create(
        self, tenant_id: str, user_id: str, fresh: IntegrationsRecord
    ) -> IntegrationsRecord:
        """The saved record; if there is none, saves `fresh` (one conditional write, so two
        first visits at once agree on one hook id) and returns it."""
        ...

    def set_secret(self, tenant_id: str, user_id: str, provider: str, sealed: str) -> None:
        """Replaces one provider's sealed secret of an existing record."""
        ...

    def set_calendar(self, tenant_id: str, user_id: str, nonce: str, digest: str) -> None:
        """Replaces the calendar feed's secret of an existing record (rotation)."""
        ...

    def delete(self, tenant_id: str, user_id: str) -> None:
        """Drops the record, if any (an offboarded member's erasure): their hook id, sealed
        secrets and feed secret go with it. Idempotent."""
        ...


class InMemoryIntegrations:
    """Records in a dict (unit tests, the bench)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], IntegrationsRecord] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str, user_id: str) -> IntegrationsRecord | None:
        return self._items.get((tenant_id, user_id))

    def get_or_create(
        self, tenant_id: str, user_id: str, fresh: IntegrationsRecord
    ) -> IntegrationsRecord:
        with self._lock:
            return self._items.setdefault((tenant_id, user_id), fresh)

    def set_secret(self, tenant_id: str, user_id: str, provider: str, sealed: str) -> None:
        with self._lock:
            record = self._items[(tenant_id, user_id)]
            secrets = {**record.sealed_secrets, provider: sealed}
            self._items[(tenant_id, user_id)] = replace(record, sealed_secrets=secrets)

    def set_calendar(self, tenant_id: str, user_id: str, nonce: str, digest: str) -> None:
        with self._lock:
            record = self._items[(tenant_id, user_id)]
            self._items[(tenant_id, user_id)] = replace(
                record, calendar_nonce=nonce, calendar_hash=digest
            )

    def delete(self, tenant_id: str, user_id: str) -> None:
        with self._lock:
            self._items.pop((tenant_id, user_id), None)
