"""Shared fixtures: an AWS stand-in (moto) with Rapport's tables, and a clock that tests move."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber

from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.adapters.table_setup import create_tables
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings

TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "STAGE": "test",
    "EVENTS_TABLE": "test-events",
    "VIEWS_TABLE": "test-views",
    "AUTH_JWT_SECRET": "test-secret-that-is-long-enough-for-hs256",
    "AUTH_ISSUER": "rapport-local",
    "AUTH_AUDIENCE": "rapport",
    "UNSUBSCRIBE_SECRET": "test-unsubscribe-secret",
    "REMINDER_FROM": "reminders@rapport.example",
    "APP_BASE_URL": "https://app.rapport.example",
    "LOCAL_JOIN": "true",
}

_moto_lock = threading.RLock()
_original_stubber_call = BotocoreStubber.__call__


def _serialized_stubber_call(self: BotocoreStubber, *args: Any, **kwargs: Any) -> Any:
    # Real DynamoDB applies each conditional write atomically; moto checks the condition and
    # writes in two Python steps, so concurrent test threads could both "win". One lock around
    # moto's request handling restores the service's linearizability for threaded tests.
    with _moto_lock:
        return _original_stubber_call(self, *args, **kwargs)


# Suites that need moto, a local server, node (CDK) or a browser, whatever their fixtures.
INTEGRATION_SUITES = {"api", "bench", "browser", "cli", "devstack", "infra"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks `integration` every test that uses moto or lives in an integration suite, so that
    `pytest -m "not integration"` is the unit suite (in-memory adapters only)."""
    for item in items:
        suite = item.path.relative_to(item.config.rootpath).parts[1:2]
        fixtures = getattr(item, "fixturenames", ())
        if "aws_mock" in fixtures or set(suite) & INTEGRATION_SUITES:
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of a test stage, with fake credentials that can never reach AWS."""
    for name, value in TEST_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AUTH_JWKS_URL", raising=False)
    return dict(TEST_ENV)


@pytest.fixture
def settings(env: dict[str, str]) -> Settings:
    return Settings.from_env()


@pytest.fixture
def aws_mock(
    env: dict[str, str], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """moto for every AWS call in the test, with Rapport's tables created and SES verified."""
    monkeypatch.setattr(BotocoreStubber, "__call__", _serialized_stubber_call)
    # Cached clients are kept across tests: moto intercepts every client while it is active,
    # and building boto3 clients anew was most of each test's setup time.
    with mock_aws():
        create_tables(aws.client("dynamodb", settings), settings)
        aws.client("ses", settings).verify_email_identity(EmailAddress=settings.reminder_from)
        yield


@pytest.fixture
def clock() -> FixedClock:
    """Thursday 26 November 2026, 14:00 UTC; tests move it forward explicitly."""
    return FixedClock(datetime(2026, 11, 26, 14, 0, tzinfo=UTC))


@pytest.fixture
def services(aws_mock: None, settings: Settings, clock: FixedClock) -> Iterator[bootstrap.Services]:
    """The app's services on moto with the test's clock, installed as the process's own."""
    built = bootstrap.for_aws(settings, clock=clock, sleep=lambda _: None)
    bootstrap.install(built)
    yield built
    bootstrap.install(None)
