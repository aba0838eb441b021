"""Both stores of waiting address changes keep one per user, and drop one only while it is
still the change that was confirmed. On DynamoDB it sits beside the settings item, out of the
projector's way, and gone by TTL once it can matter no more."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.adapters import aws
from chalicelib.bootstrap import for_aws, in_memory
from chalicelib.clock import FixedClock
from chalicelib.domain.user_settings import PendingEmail, UserSettings
from chalicelib.service.user_settings_port import PendingEmails
from chalicelib.settings import Settings
from chalicelib.tables import SETTINGS_SK

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
FIRST = PendingEmail(email="first@example.org", nonce="n1", requested_at=NOW)
SECOND = PendingEmail(email="second@example.org", nonce="n2", requested_at=NOW)


class PendingEmailsContract:
    """What every store of waiting address changes does; subclasses give the `store`."""

    def test_one_waiting_change_per_user_the_latest(self, store: PendingEmails) -> None:
        assert store.get("acme", "ada") is None
        store.put("acme", "ada", FIRST)
        store.put("acme", "ada", SECOND)
        store.put("acme", "bo", FIRST)

        assert store.get("acme", "ada") == SECOND
        assert store.get("acme", "bo") == FIRST
        assert store.get("globex", "ada") is None

    def test_a_confirmed_change_is_dropped_only_if_it_is_still_the_one_waiting(
        self, store: PendingEmails
    ) -> None:
        store.put("acme", "ada", SECOND)

        store.delete("acme", "ada", FIRST.nonce)
        assert store.get("acme", "ada") == SECOND
        store.delete("acme", "ada", SECOND.nonce)
        assert store.get("acme", "ada") is None
        store.delete("acme", "ada", SECOND.nonce)  # nothing there: nothing to do
        store.put("acme", "ada", FIRST)
        store.delete("acme", "ada")
        assert store.get("acme", "ada") is None


class TestInMemory(PendingEmailsContract):
    @pytest.fixture
    def store(self, settings: Settings) -> PendingEmails:
        return in_memory(settings, clock=FixedClock(NOW)).adapters.pending_emails


class TestDynamoDB(PendingEmailsContract):
    @pytest.fixture
    def store(self, aws_mock: None, settings: Settings) -> PendingEmails:
        return for_aws(settings, clock=FixedClock(NOW)).adapters.pending_emails


def test_on_dynamodb_it_expires_by_ttl_and_leaves_the_settings_item_alone(
    aws_mock: None, settings: Settings
) -> None:
    services = for_aws(settings, clock=FixedClock(NOW))
    services.adapters.settings_store.put("acme", "ada", UserSettings(email="ada@example.com"))
    services.adapters.pending_emails.put("acme", "ada", FIRST)

    items = aws.client("dynamodb", settings).query(
        TableName=settings.events_table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "T#acme#U#ada"}},
    )["Items"]

    by_key = {item["SK"]["S"]: item for item in items}
    assert set(by_key) == {SETTINGS_SK, "EMAIL_CHANGE"}
    expires_at = int(by_key["EMAIL_CHANGE"]["expires_at"]["N"])
    assert expires_at > FIRST.expires_at.timestamp()
    assert services.adapters.settings_store.get("acme", "ada") == UserSettings(
        email="ada@example.com"
    )


def test_an_address_saved_before_the_rule_tightened_reads_as_none(
    aws_mock: None, settings: Settings
) -> None:
    services = for_aws(settings, clock=FixedClock(NOW))
    item = {
        "PK": {"S": "T#acme#U#ada"},
        "SK": {"S": SETTINGS_SK},
        "tenant_id": {"S": "acme"},
        "user_id": {"S": "ada"},
        "settings": {"S": '{"email": "evil@q.r,x", "timezone": "Asia/Tokyo"}'},
    }
    aws.client("dynamodb", settings).put_item(TableName=settings.events_table, Item=item)

    saved = services.adapters.settings_store.get("acme", "ada")

    assert saved == UserSettings(email=None, timezone="Asia/Tokyo")
