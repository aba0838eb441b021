"""Tenants' token buckets in memory, with the DynamoDB store's conditions (unit tests)."""

from __future__ import annotations

import threading

from chalicelib.service.throttle import Reservation


class InMemoryRateLimits:
    """The RateLimitStore in a dict; `writes` counts the conditional writes it was asked for."""

    def __init__(self) -> None:
        self._tat: dict[str, int] = {}
        self.expires_at: dict[str, int] = {}
        self.writes = 0
        self._lock = threading.Lock()

    def restart(self, tenant_id: str, *, now: int, tat: int, expires_at: int) -> Reservation:
        with self._lock:
            self.writes += 1
            current = self._tat.get(tenant_id)
            if current is not None and current > now:
                return Reservation(taken=False, tat=current)
            self._tat[tenant_id] = tat
            self.expires_at[tenant_id] = expires_at
            return Reservation(taken=True, tat=tat)

    def advance(
        self, tenant_id: str, *, now: int, latest: int, interval: int, expires_at: int
    ) -> Reservation:
        with self._lock:
            self.writes += 1
            current = self._tat.get(tenant_id)
            if current is None or not now < current <= latest:
                return Reservation(taken=False, tat=current)
            self._tat[tenant_id] = current + interval
            self.expires_at[tenant_id] = expires_at
            return Reservation(taken=True, tat=current + interval)
