"""Where user settings are kept, a short cache in front of them for the command path, and
where an address change waits for its confirmation link."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Protocol

from chalicelib.clock import Clock
from chalicelib.domain.user_settings import PendingEmail, UserSettings

# A user's settings as read, and the revision they were read at: 0 when none are saved (or
# they were saved before revisions were kept). Every write makes a new revision.
Revision = int


class SettingsRepository(Protocol):
    """Reads and writes one user's reminder settings."""

    def get(self, tenant_id: str, user_id: str) -> UserSettings | None:
        """The saved settings, or None if the user never saved any."""
        ...

    def read(self, tenant_id: str, user_id: str) -> tuple[UserSettings | None, Revision]:
        """The saved settings and their revision, read consistently: the base of a change."""
        ...

    def replace(
        self, tenant_id: str, user_id: str, settings: UserSettings, expected: Revision
    ) -> bool:
        """Saves `settings` only if the saved revision is still `expected`; False when another
        write came first (nothing is then saved: read again and redo the change)."""
        ...

    def put(self, tenant_id: str, user_id: str, settings: UserSettings) -> None:
        """Saves the settings, replacing earlier ones whatever they are (seeding, operators):
        a change a user makes goes through `replace`."""
        ...

    def get_or_create(self, tenant_id: str, user_id: str, default: UserSettings) -> UserSettings:
        """The saved settings; if there are none, saves `default` and returns it."""
        ...


class InMemorySettingsRepository:
    """Settings in a dict, for tests and benchmarks of the domain alone."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], tuple[UserSettings, Revision]] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str, user_id: str) -> UserSettings | None:
        return self.read(tenant_id, user_id)[0]

    def read(self, tenant_id: str, user_id: str) -> tuple[UserSettings | None, Revision]:
        held = self._items.get((tenant_id, user_id))
        return (None, 0) if held is None else held

    def replace(
        self, tenant_id: str, user_id: str, settings: UserSettings, expected: Revision
    ) -> bool:
        with self._lock:
            if self.read(tenant_id, user_id)[1] != expected:
                return False
            self._items[(tenant_id, user_id)] = (settings, expected + 1)
            return True

    def put(self, tenant_id: str, user_id: str, settings: UserSettings) -> None:
        with self._lock:
            revision = self.read(tenant_id, user_id)[1]
            self._items[(tenant_id, user_id)] = (settings, revision + 1)

    def get_or_create(self, tenant_id: str, user_id: str, default: UserSettings) -> UserSettings:
        with self._lock:
            return self._items.setdefault((tenant_id, user_id), (default, 1))[0]

    def saved(self) -> dict[tuple[str, str], UserSettings]:
        """Every user's settings (operators' rebuild and verify, in memory)."""
        return {user: settings for user, (settings, _) in self._items.items()}


class PendingEmails(Protocol):
    """Keeps each user's one address change that waits for its confirmation link."""

    def get(self, tenant_id: str, user_id: str) -> PendingEmail | None:
        """The waiting change (possibly lapsed: check `is_open`), or None."""
        ...

    def put(self, tenant_id: str, user_id: str, pending: PendingEmail) -> None:
        """Saves the change, replacing any earlier one."""
        ...

    def delete(self, tenant_id: str, user_id: str, nonce: str | None = None) -> None:
        """Drops the waiting change; with `nonce`, only if it is still that one (a newer
        request made meanwhile stays)."""
        ...


class InMemoryPendingEmails:
    """Waiting address changes in a dict, for tests and the bench."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], PendingEmail] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str, user_id: str) -> PendingEmail | None:
        return self._items.get((tenant_id, user_id))

    def put(self, tenant_id: str, user_id: str, pending: PendingEmail) -> None:
        self._items[(tenant_id, user_id)] = pending

    def delete(self, tenant_id: str, user_id: str, nonce: str | None = None) -> None:
        with self._lock:
            held = self._items.get((tenant_id, user_id))
            if held is not None and nonce in (None, held.nonce):
                del self._items[(tenant_id, user_id)]


class CachedSettings:
    """Settings read at most once a minute per warm Lambda, so a command stays one Query and
    one write. A PUT through this container is seen at once; one through another container is
    seen within `ttl` (the projector always reads fresh settings, so reminders never lag).
    A change is never based on the cache: `read` and `replace` always reach the store."""

    def __init__(
        self, repository: SettingsRepository, clock: Clock, ttl: timedelta = timedelta(seconds=60)
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._ttl = ttl
        self._cache: dict[tuple[str, str], tuple[datetime, UserSettings | None]] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str, user_id: str) -> UserSettings | None:
        cached = self._fresh(tenant_id, user_id)
        if cached is not None:
            return cached[0]
        return self._remember(tenant_id, user_id, self._repository.get(tenant_id, user_id))

    def read(self, tenant_id: str, user_id: str) -> tuple[UserSettings | None, Revision]:
        settings, revision = self._repository.read(tenant_id, user_id)
        self._remember(tenant_id, user_id, settings)
        return settings, revision

    def replace(
        self, tenant_id: str, user_id: str, settings: UserSettings, expected: Revision
    ) -> bool:
        if self._repository.replace(tenant_id, user_id, settings, expected):
            self._remember(tenant_id, user_id, settings)
            return True
        # Another container wrote: what is cached here is older than that.
        with self._lock:
            self._cache.pop((tenant_id, user_id), None)
        return False

    def put(self, tenant_id: str, user_id: str, settings: UserSettings) -> None:
        self._repository.put(tenant_id, user_id, settings)
        self._remember(tenant_id, user_id, settings)

    def get_or_create(self, tenant_id: str, user_id: str, default: UserSettings) -> UserSettings:
        cached = self._fresh(tenant_id, user_id)
        if cached is not None and cached[0] is not None:
            return cached[0]
        created = self._repository.get_or_create(tenant_id, user_id, default)
        self._remember(tenant_id, user_id, created)
        return created

    def _fresh(self, tenant_id: str, user_id: str) -> tuple[UserSettings | None] | None:
        """The cached answer (possibly "none saved") if younger than `ttl`, else None."""
        with self._lock:
            cached = self._cache.get((tenant_id, user_id))
        if cached is None or self._clock.now() - cached[0] >= self._ttl:
            return None
        return (cached[1],)

    def _remember(
        self, tenant_id: str, user_id: str, settings: UserSettings | None
    ) -> UserSettings | None:
        with self._lock:
            self._cache[(tenant_id, user_id)] = (self._clock.now(), settings)
        return settings
