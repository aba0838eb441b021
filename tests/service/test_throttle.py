"""The per-tenant token bucket: bursts, refills, retry times and its writes, on a moved clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.adapters.memory_rate_limits import InMemoryRateLimits
from chalicelib.clock import FixedClock
from chalicelib.service.throttle import Admission, RateLimit, RateLimitError, TenantThrottle

# 2 requests a second sustained, 4 at once.
LIMIT = RateLimit(per_second=2, burst=4)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 26, 14, 0, tzinfo=UTC))


@pytest.fixture
def store() -> InMemoryRateLimits:
    return InMemoryRateLimits()


@pytest.fixture
def throttle(store: InMemoryRateLimits, clock: FixedClock) -> TenantThrottle:
    return TenantThrottle(store, clock, LIMIT)


def admitted(throttle: TenantThrottle, tenant: str = "acme", times: int = 1) -> list[bool]:
    return [throttle.admit(tenant).admitted for _ in range(times)]


def test_a_quiet_tenant_may_send_its_whole_burst_at_once_and_no_more(
    throttle: TenantThrottle,
) -> None:
    assert admitted(throttle, times=5) == [True, True, True, True, False]


def test_a_refusal_says_when_the_next_request_will_be_admitted(
    throttle: TenantThrottle, clock: FixedClock
) -> None:
    admitted(throttle, times=4)

    refused = throttle.admit("acme")

    assert refused == Admission(admitted=False, retry_after=1)  # half a second, rounded up
    clock.advance(timedelta(milliseconds=499))
    assert admitted(throttle) == [False]
    clock.advance(timedelta(milliseconds=1))
    assert admitted(throttle) == [True]


def test_the_bucket_refills_at_the_rate_up_to_the_burst(
    throttle: TenantThrottle, clock: FixedClock
) -> None:
    admitted(throttle, times=4)

    clock.advance(timedelta(seconds=1))  # two requests' worth
    assert admitted(throttle, times=3) == [True, True, False]
    clock.advance(timedelta(hours=1))  # far more than a burst's worth: still only a burst
    assert admitted(throttle, times=5) == [True, True, True, True, False]


def test_tenants_have_separate_buckets(throttle: TenantThrottle) -> None:
    admitted(throttle, "acme", times=4)

    assert admitted(throttle, "acme") == [False]
    assert admitted(throttle, "globex", times=4) == [True] * 4


def test_an_admitted_request_costs_one_write_and_a_known_empty_bucket_none(
    throttle: TenantThrottle, store: InMemoryRateLimits
) -> None:
    admitted(throttle, times=4)
    assert store.writes == 4

    admitted(throttle, times=10)

    assert store.writes == 4  # this instance saw the bucket empty: it refuses without asking


def test_instances_share_the_bucket_and_a_stale_guess_costs_one_more_write(
    store: InMemoryRateLimits, clock: FixedClock
) -> None:
    first = TenantThrottle(store, clock, LIMIT)
    second = TenantThrottle(store, clock, LIMIT)
    assert admitted(first, times=2) == [True, True]
    clock.advance(timedelta(seconds=2))  # first now believes the bucket is full again...
    assert admitted(second, times=3) == [True, True, True]  # ...while second uses most of it
    writes = store.writes

    assert admitted(first, times=2) == [True, False]

    # The first request tried "full" (1 write), was handed the real mark and advanced it (2);
    # the second knew from that answer that the bucket is empty, and asked nothing.
    assert store.writes - writes == 2


def test_a_refusal_learned_from_the_store_costs_one_write(
    store: InMemoryRateLimits, clock: FixedClock
) -> None:
    busy = TenantThrottle(store, clock, LIMIT)
    fresh = TenantThrottle(store, clock, LIMIT)
    admitted(busy, times=4)
    writes = store.writes

    assert admitted(fresh) == [False]
    assert store.writes - writes == 1


def test_an_idle_bucket_expires_a_day_after_it_is_full_again(
    throttle: TenantThrottle, store: InMemoryRateLimits, clock: FixedClock
) -> None:
    admitted(throttle)

    full_again = clock.now() + timedelta(seconds=0.5)
    assert store.expires_at["acme"] == int((full_again + timedelta(days=1)).timestamp())


@pytest.mark.parametrize(("rate", "burst"), [(0, 10), (-1, 10), (5, 0)])
def test_a_limit_that_cannot_work_is_refused(rate: float, burst: int) -> None:
    with pytest.raises(RateLimitError):
        RateLimit(per_second=rate, burst=burst)
