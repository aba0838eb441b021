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


@pytest.mark.parametrize(
    "context",
    [{"stage": "staging"}, {"reminder_from": "not-an-address"}, {"due_shards": "0"}],
)
def test_an_unusable_context_value_is_refused(context: dict[str, str]) -> None:
    with pytest.raises(StageError):
        StageConfig.from_context(context.get)
