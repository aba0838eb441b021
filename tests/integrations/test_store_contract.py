"""One contract for where integrations are kept: in memory and on DynamoDB (moto), alike."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from chalicelib.adapters import aws
from chalicelib.adapters.dynamodb_integrations import INTEGRATIONS_SK, DynamoDBIntegrations
from chalicelib.integrations.port import InMemoryIntegrations, IntegrationsRecord, IntegrationsStore
from chalicelib.settings import Settings


def fresh(tag: str) -> IntegrationsRecord:
    return IntegrationsRecord(
        hook_id=f"hook-{tag}", calendar_nonce=f"n-{tag}", calendar_hash=f"h-{tag}"
    )


@pytest.fixture(params=["memory", "dynamodb"])
def store(request: pytest.FixtureRequest) -> IntegrationsStore:
    if request.param == "memory":
        return InMemoryIntegrations()
    request.getfixturevalue("aws_mock")
    settings: Settings = request.getfixturevalue("settings")
    return DynamoDBIntegrations(aws.client("dynamodb", settings), settings.events_table)


def test_nothing_until_created_then_the_first_record_stays(store: IntegrationsStore) -> None:
    assert store.get("acme", "ada") is None
    assert store.get_or_create("acme", "ada", fresh("1")) == fresh("1")
    # A second first visit (another Lambda at the same moment) gets the first record back.
    assert store.get_or_create("acme", "ada", fresh("2")) == fresh("1")
    assert store.get("acme", "ada") == fresh("1")
    assert store.get("acme", "bea") is None
    assert store.get("globex", "ada") is None


def test_secrets_and_the_calendar_change_one_at_a_time(store: IntegrationsStore) -> None:
    store.get_or_create("acme", "ada", fresh("1"))
    store.set_secret("acme", "ada", "calendly", "sealed-a")
    store.set_secret("acme", "ada", "calcom", "sealed-b")
    store.set_secret("acme", "ada", "calendly", "sealed-c")
    store.set_calendar("acme", "ada", "n-2", "h-2")
    saved = store.get("acme", "ada")
    assert saved == IntegrationsRecord(
        hook_id="hook-1",
        calendar_nonce="n-2",
        calendar_hash="h-2",
        sealed_secrets={"calendly": "sealed-c", "calcom": "sealed-b"},
    )
    assert saved.configured("calendly")
    assert saved.configured("calcom")


def test_concurrent_first_visits_agree_on_one_record(store: IntegrationsStore) -> None:
    seen: list[IntegrationsRecord] = []
    barrier = threading.Barrier(4)

    def visit(tag: str) -> None:
        barrier.wait()
        seen.append(store.get_or_create("acme", "ada", fresh(tag)))

    threads = [threading.Thread(target=visit, args=(str(n),)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r.hook_id for r in seen}) == 1
    assert store.get("acme", "ada") == seen[0]


@pytest.mark.usefixtures("aws_mock")
def test_the_item_sits_in_the_users_partition_beside_the_settings(settings: Settings) -> None:
    client: Any = aws.client("dynamodb", settings)
    store = DynamoDBIntegrations(client, settings.events_table)
    store.get_or_create("acme", "ada", fresh("1"))
    item = client.get_item(
        TableName=settings.events_table,
        Key={"PK": {"S": "T#acme#U#ada"}, "SK": {"S": INTEGRATIONS_SK}},
    )["Item"]
    assert item["hook_id"] == {"S": "hook-1"}
    assert item["tenant_id"] == {"S": "acme"}
