"""Each tenant's request rate, over the app: a 429 in the API's error shape with Retry-After,
refills on the injected clock (no sleeping), and what the limiter costs in DynamoDB calls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings
from tests.api.conftest import Api, DynamoDBCalls, body_of
from tests.service.test_rate_limit_stores import create_limits_table

# 2 requests a second per tenant sustained, 3 at once.
RATE, BURST = 2.0, 3


@pytest.fixture
def throttled(api: Api, settings: Settings, clock: FixedClock) -> Iterator[Api]:
    """The API with a tenant rate, as a stage that sets TENANT_RATE_LIMIT runs it."""
    limited = settings.model_copy(update={"tenant_rate_limit": RATE, "tenant_burst_limit": BURST})
    create_limits_table(limited)
    built = bootstrap.for_aws(limited, clock=clock, sleep=lambda _: None)
    bootstrap.install(built)
    yield Api(api.client, limited, clock)
    bootstrap.install(None)


def dashboard(api: Api, tenant: str = "acme", user: str = "ada") -> Any:
    return api.call("GET", "/dashboard", token=api.token(tenant=tenant, user=user))


def test_a_tenant_over_its_rate_gets_a_429_in_the_apis_shape_with_retry_after(
    throttled: Api,
) -> None:
    answers = [dashboard(throttled) for _ in range(BURST)]
    refused = dashboard(throttled)

    assert [a.status_code for a in answers] == [200] * BURST
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["Content-Type"] == "application/json"
    error = body_of(refused)["error"]
    assert error["code"] == "too_many_requests"
    assert "retry in 1 s" in error["message"]


def test_the_limit_is_the_tenants_not_the_users(throttled: Api) -> None:
    for user in ("ada", "bo", "cy"):
        assert dashboard(throttled, user=user).status_code == 200

    assert dashboard(throttled, user="di").status_code == 429
    assert dashboard(throttled, tenant="globex").status_code == 200


def test_the_bucket_refills_as_the_injected_clock_moves(throttled: Api, clock: FixedClock) -> None:
    for _ in range(BURST):
        dashboard(throttled)
    assert dashboard(throttled).status_code == 429

    clock.advance(timedelta(milliseconds=499))
    assert dashboard(throttled).status_code == 429
    clock.advance(timedelta(milliseconds=1))
    assert dashboard(throttled).status_code == 200


def test_calls_without_a_verified_tenant_are_not_counted(throttled: Api) -> None:
    for _ in range(BURST + 2):
        refused = throttled.call("GET", "/dashboard", token="not-a-jwt")
        assert refused.status_code == 401
        assert throttled.call("GET", "/health").status_code == 200

    assert dashboard(throttled).status_code == 200


def test_the_limiter_costs_one_update_per_admitted_request_and_none_once_known_empty(
    throttled: Api, calls: DynamoDBCalls
) -> None:
    dashboard(throttled)
    # The caller's first call: the authorizer registers them (GetItem, PutItem); then the
    # bucket, then the dashboard item.
    assert calls.take() == ["GetItem", "PutItem", "UpdateItem", "GetItem"]

    dashboard(throttled)
    dashboard(throttled)
    assert calls.take() == ["UpdateItem", "GetItem"] * 2

    assert dashboard(throttled).status_code == 429
    assert calls.take() == []  # this instance saw the bucket empty: no DynamoDB call at all


def test_without_a_tenant_rate_the_api_makes_no_limiter_call(
    api: Api, calls: DynamoDBCalls
) -> None:
    dashboard(api)

    # The caller's registration on first sight (GetItem, PutItem), then the dashboard item.
    assert calls.take() == ["GetItem", "PutItem", "GetItem"]
