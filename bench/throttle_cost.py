"""`python -m bench.throttle_cost`: what the per-tenant limiter costs in DynamoDB, per request.

Runs the tenant throttle of a deployed stage (its token buckets in the limits table) on moto,
in-process, with a clock that the run moves, and counts the DynamoDB calls each kind of
request makes. Each call is an UpdateItem of an item of about 60 bytes: 1 write request unit,
whether its condition holds or not (DynamoDB bills a refused conditional write as a write).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from moto import mock_aws

from bench.markdown import table
from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.clock import FixedClock
from chalicelib.service.throttle import TenantThrottle
from chalicelib.settings import Settings
from chalicelib.tables import LIMITS, table_name

# Fake credentials only: nothing here may ever reach a real AWS account.
ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}
SETTINGS = Settings(limits_table="bench-limits", tenant_rate_limit=25, tenant_burst_limit=100)
START = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
REQUESTS = 400


@dataclass(frozen=True)
class Case:
    name: str
    requests: int
    admitted: int
    calls: Counter[str]

    @property
    def per_request(self) -> float:
        return sum(self.calls.values()) / self.requests


class _Calls:
    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        self.seen[model.name] += 1


def _instance(settings: Settings, clock: FixedClock) -> TenantThrottle:
    """One warm API process's throttle, built as the Lambda builds it."""
    throttle = bootstrap.for_aws(settings, clock=clock).throttle
    assert throttle is not None
    return throttle


def _case(
    name: str,
    settings: Settings,
    clock: FixedClock,
    run: Callable[[Callable[[TenantThrottle], bool]], int],
) -> Case:
    client = aws.client("dynamodb", settings)
    calls = _Calls()
    client.meta.events.register("before-call.dynamodb", calls)
    admitted = 0

    def admit(throttle: TenantThrottle) -> bool:
        nonlocal admitted
        clock.advance(timedelta(milliseconds=10))
        ok = throttle.admit(name).admitted
        admitted += ok
        return ok

    try:
        requests = run(admit)
    finally:
        client.meta.events.unregister("before-call.dynamodb", calls)
    return Case(name, requests, admitted, calls.seen)


def measure(requests: int = REQUESTS, settings: Settings = SETTINGS) -> list[Case]:
    """The limiter's calls per request: one instance within its rate, two instances sharing
    a tenant (each one's last view of the bucket goes stale), and a tenant far over its rate."""
    clock = FixedClock(START)
    client = aws.client("dynamodb", settings)
    client.create_table(**LIMITS.create_table_kwargs(table_name(LIMITS, settings)))
    one, other = _instance(settings, clock), _instance(settings, clock)

    def steady(admit: Callable[[TenantThrottle], bool]) -> int:
        # 40 ms apart (10 in `admit`, 30 here): 25 requests a second, the tenant's rate.
        for _ in range(requests):
            admit(one)
            clock.advance(timedelta(milliseconds=30))
        return requests

    def shared(admit: Callable[[TenantThrottle], bool]) -> int:
        # Bursts of 10 (100 a second) from one instance, then at once from the other, then 2 s
        # of quiet: each burst's first request finds its instance's view of the bucket stale.
        for n in range(requests):
            admit(one if (n // 10) % 2 else other)
            if n % 20 == 19:
                clock.advance(timedelta(seconds=2))
        return requests

    def flood(admit: Callable[[TenantThrottle], bool]) -> int:
        # 10 ms apart: 100 requests a second, 9 in 10 to one instance.
        for n in range(requests):
            admit(one if n % 10 else other)
        return requests

    return [
        _case("within-rate-one-instance", settings, clock, steady),
        _case("bursts-from-two-instances", settings, clock, shared),
        _case("flood-100-per-second", settings, clock, flood),
    ]


def render(cases: list[Case], settings: Settings = SETTINGS) -> str:
    rows = [
        [
            case.name,
            str(case.requests),
            str(case.admitted),
            ", ".join(f"{op} x {n}" for op, n in sorted(case.calls.items())) or "none",
            f"{case.per_request:.2f}",
        ]
        for case in cases
    ]
    headers = ["case", "requests", "admitted", "DynamoDB calls", "calls (= WRU) per request"]
    return "\n".join(
        [
            f"## Per-tenant limiter ({settings.tenant_rate_limit:g} requests/s,"
            f" burst {settings.tenant_burst_limit})",
            "",
            table(headers, rows),
            "",
            "An admitted request costs one conditional UpdateItem when the instance's last view",
            "of the bucket is right, two when another instance moved it; a refusal costs one",
            "the first time, then nothing while the instance knows the bucket is empty.",
        ]
    )


def main() -> int:
    os.environ.update(ENV)
    aws.reset_clients()
    with mock_aws():
        print(render(measure()))
    aws.reset_clients()
    return 0


if __name__ == "__main__":
    sys.exit(main())
