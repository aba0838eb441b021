"""The authorizer's question: is the verified caller still a member of their tenant?

A verified token is a member's unless that user was removed (API.md): a user seen for the
first time, through an invitation or not (operators' users, `cli token`), is registered then,
with one conditional write. The answer is kept for a minute per warm process; deployed, API
Gateway also caches the authorizer's answer (240 s, app.py), so a removed member's access ends
within five minutes deployed and within a minute locally, at one GetItem per user a minute.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from chalicelib.auth.identity import Identity
from chalicelib.clock import Clock
from chalicelib.service.cohort import first_sight
from chalicelib.tenancy.port import TenancyStore

MEMBERSHIP_CACHED_FOR = timedelta(seconds=60)
# Bounds the cache of a long-lived process; past it, the oldest half is forgotten.
MAX_CACHED = 10_000


class Membership:
    def __init__(
        self, store: TenancyStore, clock: Clock, *, cached_for: timedelta = MEMBERSHIP_CACHED_FOR
    ) -> None:
        self._store = store
        self._clock = clock
        self._cached_for = cached_for
        self._answers: dict[tuple[str, str], tuple[bool, datetime]] = {}
        self._lock = threading.Lock()

    def admits(self, identity: Identity) -> bool:
        """Whether the caller may go on: a member, or seen now for the first time."""
        return self._admitted(identity.tenant_id, identity.user_id, identity)

    def ended(self, tenant_id: str, user_id: str) -> bool:
        """Whether this user was removed: asked by the paths that carry no token but name
        their user (webhook URLs, the calendar feed, the inbound addresses), which end with
        the membership too. A user never seen is not registered here: nothing proves who
        they are."""
        return not self._admitted(tenant_id, user_id, None)

    def _admitted(self, tenant_id: str, user_id: str, identity: Identity | None) -> bool:
        key = (tenant_id, user_id)
        now = self._clock.now()
        with self._lock:
            cached = self._answers.get(key)
        if cached is not None and now - cached[1] < self._cached_for:
            return cached[0]
        member = self._store.member(*key)
        if member is None and identity is not None:
            member = self._store.register(first_sight(identity, self._clock))
        admitted = member is None or member.active
        with self._lock:
            if len(self._answers) >= MAX_CACHED:
                for old in sorted(self._answers, key=lambda k: self._answers[k][1])[
                    : MAX_CACHED // 2
                ]:
                    del self._answers[old]
            self._answers[key] = (admitted, now)
        return admitted

    def forget(self, tenant_id: str, user_id: str) -> None:
        """Drops this process's answer (the member was just removed here)."""
        with self._lock:
            self._answers.pop((tenant_id, user_id), None)
