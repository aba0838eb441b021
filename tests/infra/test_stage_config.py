"""Stage settings come from CDK context, with safe defaults and loud errors."""

from __future__ import annotations

import pytest
from rapport_infra.stage import StageConfig, StageError


def test_with_no_context_the_stage_is_dev_with_the_apps_shard_count() -> None:
    no_context: dict[str, object] = {}

    config = StageConfig.from_context(no_context.get)

    assert config == StageConfig(stage="dev")
    assert config.due_shards == 4
    assert not config.is_prod


def test_context_values_are_read_and_names_carry_the_stage() -> None:
    context = {
        "stage": "prod",
        "reminder_from": "remind@mail.rapport.app",
        "app_base_url": "https://rapport.app/",
        "alarm_email": "ops@rapport.app",
        "due_shards": "8",
    }

    config = StageConfig.from_context(context.get)

    assert config.is_prod
    assert (config.sender_domain, config.due_shards) == ("mail.rapport.app", 8)
    assert config.app_base_url == "https://rapport.app/"
    assert config.stack_name == "rapport-prod"
    assert config.name("events") == "rapport-prod-events"


def test_limits_and_threat_protection_come_from_context_with_stage_defaults() -> None:
    context = {
        "stage": "prod",
        "stage_rate_limit": "400",
        "stage_burst_limit": "800",
        "tenant_rate_limit": "50",
        "tenant_burst_limit": "150",
        "ip_rate_limit": "3000",
        "threat_protection": "audit",
    }

    config = StageConfig.from_context(context.get)

    assert (config.stage_rate_limit, config.stage_burst_limit) == (400, 800)
    assert (config.tenant_rate_limit, config.tenant_burst_limit) == (50, 150)
    assert config.ip_rate_limit == 3000
    assert config.threat_protection_mode == "audit"
    assert StageConfig(stage="prod").threat_protection_mode == "enforced"
    assert StageConfig(stage="dev").threat_protection_mode == "off"


def test_the_inbound_domain_defaults_to_a_subdomain_of_the_sender_domain() -> None:
    assert StageConfig(stage="dev").receiving_domain == "in.rapport.example"
    assert (
        StageConfig(stage="dev", reminder_from="r@Mail.Rapport.App").receiving_domain
        == "in.mail.rapport.app"
    )
    context = {"stage": "prod", "inbound_domain": "reply.rapport.app"}
    assert StageConfig.from_context(context.get).receiving_domain == "reply.rapport.app"


@pytest.mark.parametrize(
    "context",
    [
        {"stage": "staging"},
        {"reminder_from": "not-an-address"},
        {"due_shards": "0"},
        {"due_shards": "four"},
        {"tenant_rate_limit": "500"},  # more than the whole stage's
        {"tenant_burst_limit": "0"},
        {"ip_rate_limit": "5"},
        {"threat_protection": "maybe"},
        {"inbound_domain": "in@rapport.example"},
        {"inbound_domain": "localhost"},
        {"inbound_domain": "In.Rapport.Example"},
    ],
)
def test_an_unusable_context_value_is_refused(context: dict[str, str]) -> None:
    with pytest.raises(StageError):
        StageConfig.from_context(context.get)
