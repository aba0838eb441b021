"""Deployed, secrets are named in the environment and read once per cold start, never held
in it: one BatchGetSecretValue when the process first builds its services, then none."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.adapters.secrets import SecretsManagerReader, SecretsUnavailableError
from chalicelib.settings import SECRET_FIELDS, Settings


@pytest.fixture
def secretsmanager(aws_mock: None, settings: Settings) -> Any:
    return aws.client("secretsmanager", settings)


@pytest.fixture
def deployed_env(secretsmanager: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A function's environment as the stack sets it: ARNs, and no secret values."""
    arns = {
        "UNSUBSCRIBE_SECRET_ARN": secretsmanager.create_secret(
            Name="rapport/test/unsubscribe-signing-key", SecretString="u" * 64
        )["ARN"],
        "CURSOR_SECRET_ARN": secretsmanager.create_secret(
            Name="rapport/test/cursor-signing-key", SecretString="c" * 64
        )["ARN"],
    }
    monkeypatch.delenv("UNSUBSCRIBE_SECRET")
    for name, arn in arns.items():
        monkeypatch.setenv(name, arn)
    return arns


class SecretsCalls:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def record(self, model: Any, **_: Any) -> None:
        self.seen.append(model.name)


@pytest.fixture
def calls(secretsmanager: Any) -> Iterator[SecretsCalls]:
    counter = SecretsCalls()
    secretsmanager.meta.events.register("before-call.secretsmanager", counter.record)
    yield counter
    secretsmanager.meta.events.unregister("before-call.secretsmanager", counter.record)


@pytest.fixture
def cold_start() -> Iterator[None]:
    bootstrap.install(None)
    yield
    bootstrap.install(None)


@pytest.mark.usefixtures("deployed_env", "cold_start")
def test_a_cold_start_reads_the_named_secrets_once_and_keeps_them(calls: SecretsCalls) -> None:
    first = bootstrap.services()
    again = bootstrap.services()

    assert first is again
    assert first.settings.unsubscribe_secret == "u" * 64
    assert first.settings.cursor_secret == "c" * 64
    assert calls.seen == ["BatchGetSecretValue"]


@pytest.mark.usefixtures("cold_start")
def test_an_environment_that_names_no_secret_reads_none(calls: SecretsCalls) -> None:
    assert bootstrap.services().settings.unsubscribe_secret == "test-unsubscribe-secret"

    assert calls.seen == []


def test_a_named_secret_that_cannot_be_read_stops_the_cold_start(secretsmanager: Any) -> None:
    missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rapport/test/gone-AbCdEf"

    with pytest.raises(SecretsUnavailableError):
        SecretsManagerReader(secretsmanager).read({"cursor_secret": missing})


def test_secret_settings_name_their_arn_settings_and_nothing_else() -> None:
    settings = Settings(unsubscribe_secret_arn="arn:u", webhook_secrets_key_arn="arn:w")

    assert settings.secret_arns() == {"unsubscribe_secret": "arn:u", "webhook_secrets_key": "arn:w"}
    assert settings.with_secrets({"webhook_secrets_key": "k"}).webhook_secrets_key == "k"
    assert set(SECRET_FIELDS.values()) <= set(Settings.model_fields)
    with pytest.raises(ValueError, match="not secret settings"):
        settings.with_secrets({"events_table": "elsewhere"})
