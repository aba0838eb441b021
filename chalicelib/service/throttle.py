"""Each tenant's request rate: a token bucket shared by every API instance, in one number.

The bucket is kept in GCRA form (the generic cell rate algorithm, a token bucket written as a
single timestamp): the *theoretical arrival time* `tat`, when the bucket would be full again
if no more requests came. A request is admitted if, after it, `tat` is at most `burst` request
intervals ahead of now; each admitted request moves `tat` one interval on. Refilling needs no
arithmetic beyond that, so the store can do it in one conditional write:

- the bucket is full (`tat` at or before now, or no bucket yet): set `tat = now + interval`;
- it is partly used (`now < tat <= latest`): add one interval to `tat`;
- otherwise it is empty: refused, and the caller may retry once `tat` is back to `latest`.

`tat` only ever grows, so the last value an instance saw is a lower bound of the real one. It
chooses which write to try (a stale guess costs a second write), and a bucket already known to
be empty refuses without asking the store at all. Time comes from the injected clock.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from chalicelib.clock import Clock

MICROS = 1_000_000
# A bucket idle this long is full whatever happened before: the store may forget it.
IDLE_EXPIRY_SECONDS = 24 * 3600
# Two writes settle any race (a stale guess, then the right write); a third covers a writer
# that moved the bucket in between.
MAX_WRITES = 3
# Marks remembered per process; past this, forgotten (each costs one write to relearn).
MAX_REMEMBERED = 10_000


class RateLimitError(ValueError):
    """A rate limit that cannot work (no rate, or a burst below one request)."""


@dataclass(frozen=True)
class RateLimit:
    """`per_second` requests sustained, up to `burst` at once after a quiet spell."""

    per_second: float
    burst: int

    def __post_init__(self) -> None:
        if not self.per_second > 0:
            raise RateLimitError("a rate limit needs a positive rate")
        if self.burst < 1:
            raise RateLimitError("a rate limit's burst is at least one request")

    @property
    def interval(self) -> int:
        """Microseconds one request uses up."""
        return max(1, round(MICROS / self.per_second))

    @property
    def tolerance(self) -> int:
        """How far ahead of now `tat` may be before a request, in microseconds."""
        return (self.burst - 1) * self.interval


class Reservation(NamedTuple):
    """A store's answer: whether the write was made, and `tat` after it (or as found)."""

    taken: bool
    tat: int | None


class RateLimitStore(Protocol):
    """Where the buckets live; each write is conditional and atomic."""

    def restart(self, tenant_id: str, *, now: int, tat: int, expires_at: int) -> Reservation:
        """Sets the bucket's `tat` if it has none or it is at or before `now`."""
        ...

    def advance(
        self, tenant_id: str, *, now: int, latest: int, interval: int, expires_at: int
    ) -> Reservation:
        """Adds `interval` to the bucket's `tat` if it is after `now` and at most `latest`."""
        ...


@dataclass(frozen=True)
class Admission:
    """The throttle's answer; a refusal says in how many seconds to retry (at least 1)."""

    admitted: bool
    retry_after: int = 0


def _micros(moment: datetime) -> int:
    return round(moment.timestamp() * MICROS)


class TenantThrottle:
    """Admits or refuses a tenant's request against its rate limit. One per process."""

    def __init__(self, store: RateLimitStore, clock: Clock, limit: RateLimit) -> None:
        self._store = store
        self._clock = clock
        self._limit = limit
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()

    def admit(self, tenant_id: str) -> Admission:
        now = _micros(self._clock.now())
        latest = now + self._limit.tolerance
        known = self._known(tenant_id)
        for _ in range(MAX_WRITES):
            if known is not None and known > latest:
                break
            reservation = self._write(tenant_id, now, latest, known)
            known = reservation.tat  # None: no bucket (any more), so the next write restarts
            if reservation.taken:
                self._remember(tenant_id, known)
                return Admission(admitted=True)
        self._remember(tenant_id, known)
        wait = (known - latest) if known is not None else self._limit.interval
        return Admission(admitted=False, retry_after=max(1, math.ceil(wait / MICROS)))

    def _write(self, tenant_id: str, now: int, latest: int, known: int | None) -> Reservation:
        interval = self._limit.interval
        if known is not None and known > now:
            expires = (known + interval) // MICROS + IDLE_EXPIRY_SECONDS
            return self._store.advance(
                tenant_id, now=now, latest=latest, interval=interval, expires_at=expires
            )
        expires = (now + interval) // MICROS + IDLE_EXPIRY_SECONDS
        return self._store.restart(tenant_id, now=now, tat=now + interval, expires_at=expires)

    def _known(self, tenant_id: str) -> int | None:
        with self._lock:
            return self._seen.get(tenant_id)

    def _remember(self, tenant_id: str, tat: int | None) -> None:
        if tat is None:
            return
        with self._lock:
            if len(self._seen) >= MAX_REMEMBERED and tenant_id not in self._seen:
                self._seen.clear()
            # Never backwards: another request of this process may have seen a later mark.
            self._seen[tenant_id] = max(tat, self._seen.get(tenant_id, tat))
