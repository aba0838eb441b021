"""One contract for the token-bucket stores: in memory, and DynamoDB's limits table on moto."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.adapters import aws
from chalicelib.adapters.dynamodb_rate_limits import DynamoDBRateLimits, bucket_key
from chalicelib.adapters.memory_rate_limits import InMemoryRateLimits
from chalicelib.service.throttle import RateLimitStore, Reservation
from chalicelib.settings import Settings
from chalicelib.tables import LIMITS, table_name

NOW = 1_000_000_000
INTERVAL = 100
EXPIRES = 2_000


def create_limits_table(settings: Settings) -> None:
    """The limits table, from its spec (create-tables leaves it out: see chalicelib/tables.py)."""
    client = aws.client("dynamodb", settings)
    name = table_name(LIMITS, settings)
    client.create_table(**LIMITS.create_table_kwargs(name))
    client.get_waiter("table_exists").wait(TableName=name)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request: pytest.FixtureRequest) -> Iterator[RateLimitStore]:
    if request.param == "memory":
        yield InMemoryRateLimits()
        return
    request.getfixturevalue("aws_mock")
    settings: Settings = request.getfixturevalue("settings")
    create_limits_table(settings)
    yield DynamoDBRateLimits(aws.client("dynamodb", settings), settings.limits_table)


def test_a_new_bucket_restarts(store: RateLimitStore) -> None:
    assert store.restart("acme", now=NOW, tat=NOW + INTERVAL, expires_at=EXPIRES) == Reservation(
        taken=True, tat=NOW + INTERVAL
    )


def test_a_partly_used_bucket_refuses_a_restart_and_says_where_it_is(
    store: RateLimitStore,
) -> None:
    store.restart("acme", now=NOW, tat=NOW + INTERVAL, expires_at=EXPIRES)

    again = store.restart("acme", now=NOW + 1, tat=NOW + 1 + INTERVAL, expires_at=EXPIRES)

    assert again == Reservation(taken=False, tat=NOW + INTERVAL)


def test_a_full_bucket_restarts_from_now(store: RateLimitStore) -> None:
    store.restart("acme", now=NOW, tat=NOW + INTERVAL, expires_at=EXPIRES)
    later = NOW + 10 * INTERVAL

    assert store.restart("acme", now=later, tat=later + INTERVAL, expires_at=EXPIRES) == (
        Reservation(taken=True, tat=later + INTERVAL)
    )


def test_a_partly_used_bucket_advances_up_to_the_latest_mark(store: RateLimitStore) -> None:
    store.restart("acme", now=NOW, tat=NOW + INTERVAL, expires_at=EXPIRES)
    latest = NOW + 2 * INTERVAL

    def advance() -> Reservation:
        return store.advance("acme", now=NOW, latest=latest, interval=INTERVAL, expires_at=EXPIRES)

    assert advance() == Reservation(taken=True, tat=NOW + 2 * INTERVAL)
    assert advance() == Reservation(taken=True, tat=NOW + 3 * INTERVAL)
    assert advance() == Reservation(taken=False, tat=NOW + 3 * INTERVAL)


def test_advancing_needs_a_bucket_that_is_in_use(store: RateLimitStore) -> None:
    def advance(now: int) -> Reservation:
        return store.advance("acme", now=now, latest=now + 5, interval=INTERVAL, expires_at=0)

    assert advance(NOW) == Reservation(taken=False, tat=None)
    store.restart("acme", now=NOW, tat=NOW + INTERVAL, expires_at=EXPIRES)
    assert advance(NOW + INTERVAL) == Reservation(taken=False, tat=NOW + INTERVAL)


@pytest.mark.usefixtures("aws_mock")
def test_a_bucket_is_one_item_under_its_tenant_with_a_ttl(settings: Settings) -> None:
    create_limits_table(settings)
    client = aws.client("dynamodb", settings)
    DynamoDBRateLimits(client, settings.limits_table).restart(
        "acme", now=NOW, tat=NOW + INTERVAL, expires_at=EXPIRES
    )

    item: dict[str, Any] = client.get_item(TableName=settings.limits_table, Key=bucket_key("acme"))[
        "Item"
    ]

    assert item == {
        "PK": {"S": "T#acme"},
        "SK": {"S": "RATE"},
        "tat": {"N": str(NOW + INTERVAL)},
        "expires_at": {"N": str(EXPIRES)},
    }
    assert LIMITS.ttl_attribute == "expires_at"
