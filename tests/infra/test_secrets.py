"""Secrets are generated in Secrets Manager and named, never held, in functions' environments."""

from __future__ import annotations

import json

import pytest

from chalicelib.settings import SECRET_FIELDS

from .synth import FUNCTIONS, Synthesized

SECRETS = {
    "rapport/prod/unsubscribe-signing-key": "UNSUBSCRIBE_SECRET_ARN",
    "rapport/prod/cursor-signing-key": "CURSOR_SECRET_ARN",
    "rapport/prod/webhook-secrets-key": "WEBHOOK_SECRETS_KEY_ARN",
}


def _env(synth: Synthesized, function: str) -> dict:
    return synth.resource(function)["Properties"]["Environment"]["Variables"]


def _secret_ids(synth: Synthesized) -> dict[str, str]:
    return {
        resource["Properties"]["Name"]: logical_id
        for logical_id, resource in synth.resources("AWS::SecretsManager::Secret").items()
    }


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_no_function_environment_holds_a_secret_or_resolves_one_at_deploy(
    synthesized: dict[str, Synthesized], stage: str
) -> None:
    for function in FUNCTIONS:
        env = _env(synthesized[stage], function)
        assert "{{resolve:" not in json.dumps(env), function
        assert not {name.upper() for name in SECRET_FIELDS.values()} & set(env), function
        assert "AUTH_JWT_SECRET" not in env


def test_each_signing_key_is_generated_and_named_by_arn_where_it_is_used(
    prod: Synthesized,
) -> None:
    secrets = _secret_ids(prod)
    users = {
        # ReceiveEmail: the reply, undo and log addresses and links are signed with it; the
        # sign-up triggers: invitation links are.
        "UNSUBSCRIBE_SECRET_ARN": {
            "APIHandler",
            "SendReminders",
            "ReceiveEmail",
            "CognitoPreSignUp",
            "CognitoPostConfirmation",
        },
        "CURSOR_SECRET_ARN": {"APIHandler"},
        "WEBHOOK_SECRETS_KEY_ARN": {"APIHandler"},
    }

    assert set(secrets) == set(SECRETS)
    for name, variable in SECRETS.items():
        holders = {f for f in FUNCTIONS if variable in _env(prod, f)}
        assert holders == users[variable], variable
        for function in holders:
            assert _env(prod, function)[variable] == {"Ref": secrets[name]}
        generated = prod.resource(secrets[name])["Properties"]["GenerateSecretString"]
        assert generated == {"ExcludePunctuation": True, "PasswordLength": 64}


def test_prod_keeps_its_secrets_when_the_stack_goes_dev_does_not(
    prod: Synthesized, dev: Synthesized
) -> None:
    for synth, policy in ((prod, "Retain"), (dev, "Delete")):
        for logical_id in _secret_ids(synth).values():
            assert synth.resource(logical_id)["DeletionPolicy"] == policy


def test_the_unsubscribe_secret_keeps_its_logical_id_and_with_it_its_value(
    prod: Synthesized,
) -> None:
    # A new logical id would replace the secret: every unsubscribe link sent would break.
    assert _secret_ids(prod)["rapport/prod/unsubscribe-signing-key"] == (
        "UnsubscribeSecret07D7FF90"
    )
