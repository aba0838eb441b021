"""Names carry the stage; prod keeps its data; every function gets the settings it reads."""

from __future__ import annotations

import pytest

from chalicelib.settings import Settings

from .synth import FUNCTIONS, TRIGGERS, Synthesized


def _table(synth: Synthesized, name: str) -> dict:
    (table,) = [
        resource
        for resource in synth.resources("AWS::DynamoDB::Table").values()
        if resource["Properties"]["TableName"] == name
    ]
    return table


def _env(synth: Synthesized, function: str) -> dict:
    return synth.resource(function)["Properties"]["Environment"]["Variables"]


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_functions_and_tables_are_named_for_their_stage(
    synthesized: dict[str, Synthesized], stage: str
) -> None:
    synth = synthesized[stage]

    for function, short in FUNCTIONS.items():
        assert synth.resource(function)["Properties"]["FunctionName"] == f"rapport-{stage}-{short}"
        assert _env(synth, function)["STAGE"] == stage
    assert _table(synth, f"rapport-{stage}-events")
    assert _table(synth, f"rapport-{stage}-views")


def test_prod_events_survive_a_stack_deletion_and_can_be_restored(prod: Synthesized) -> None:
    events = _table(prod, "rapport-prod-events")

    assert events["DeletionPolicy"] == "Retain"
    assert events["Properties"]["DeletionProtectionEnabled"] is True
    assert events["Properties"]["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True
    }


def test_views_have_no_backups_because_they_are_rebuilt_from_events(prod: Synthesized) -> None:
    views = _table(prod, "rapport-prod-views")["Properties"]

    assert views["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": False}


def test_dev_tables_go_away_with_the_stack(dev: Synthesized) -> None:
    for name in ("rapport-dev-events", "rapport-dev-views"):
        table = _table(dev, name)
        assert table["DeletionPolicy"] == "Delete"
        assert table["Properties"].get("DeletionProtectionEnabled", False) is False


def test_every_variable_a_function_is_given_is_one_settings_reads(prod: Synthesized) -> None:
    readable = {name.upper() for name in Settings.model_fields}

    for function in FUNCTIONS:
        assert set(_env(prod, function)) <= readable, function


def test_the_unsubscribe_secret_reaches_only_the_functions_that_sign_links_by_reference(
    prod: Synthesized,
) -> None:
    # By ARN since issue 18: the value itself is read at cold start (tests/infra/test_secrets.py).
    (secret,) = [
        logical_id
        for logical_id, resource in prod.resources("AWS::SecretsManager::Secret").items()
        if resource["Properties"]["Name"] == "rapport/prod/unsubscribe-signing-key"
    ]

    holders = {f for f in FUNCTIONS if "UNSUBSCRIBE_SECRET_ARN" in _env(prod, f)}
    # The receiver signs (and checks) the reply, undo and log addresses and links with it;
    # the sign-up triggers check invitation links.
    assert holders == {"APIHandler", "SendReminders", "ReceiveEmail", *TRIGGERS}
    for function in holders:
        assert _env(prod, function)["UNSUBSCRIBE_SECRET_ARN"] == {"Ref": secret}
        assert "UNSUBSCRIBE_SECRET" not in _env(prod, function)


def test_emails_link_to_the_deployed_api_when_no_base_url_is_configured(
    prod: Synthesized,
) -> None:
    api_url = prod.json["Outputs"]["ApiUrl"]["Value"]

    assert _env(prod, "SendReminders")["APP_BASE_URL"] == api_url
    assert api_url == {
        "Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/"
    }


def test_the_stack_outputs_what_clients_and_operators_need(prod: Synthesized) -> None:
    outputs = prod.json["Outputs"]

    assert {
        "ApiUrl",
        "EventsTableName",
        "ViewsTableName",
        "LimitsTableName",
        "ApiAccessLogGroup",
        "WebAclArn",
        "UserPoolId",
        "UserPoolClientId",
        "HostedUiUrl",
        "SesConfigurationSet",
        "ProjectorFailureQueueUrl",
        "AlarmTopicArn",
        "DkimCname1",
        "DkimCname2",
        "DkimCname3",
        "InboundMxRecord",
        "InboundBucketName",
        "InboundFailureQueueUrl",
        "InboundDkimCname1",
        "InboundDkimCname2",
        "InboundDkimCname3",
    } <= set(outputs)
    assert outputs["EventsTableName"]["Value"] == {
        "Ref": next(
            logical_id
            for logical_id, resource in prod.resources("AWS::DynamoDB::Table").items()
            if resource["Properties"]["TableName"] == "rapport-prod-events"
        )
    }


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_variables_the_chalice_config_sets_for_local_use_never_reach_a_deployed_function(
    synthesized: dict[str, Synthesized], stage: str
) -> None:
    # fixture_app/.chalice/config.json sets both, globally and for send_reminders in prod.
    for function in FUNCTIONS:
        env = _env(synthesized[stage], function)
        assert "AUTH_JWT_SECRET" not in env
        assert "OUTBOX_DIR" not in env
        assert env["EVENTS_TABLE"] != "rapport-local-events"


def test_a_configured_base_url_reaches_every_function_and_the_hosted_ui(dev: Synthesized) -> None:
    (client,) = dev.resources("AWS::Cognito::UserPoolClient").values()

    # The sign-up triggers link to nothing: they answer Cognito, which sends no email of ours.
    for function in set(FUNCTIONS) - set(TRIGGERS):
        assert _env(dev, function)["APP_BASE_URL"] == "https://dev.rapport.example/"
    assert client["Properties"]["CallbackURLs"] == ["https://dev.rapport.example/"]


def test_without_a_base_url_the_api_is_not_told_one_and_sign_in_returns_to_localhost(
    prod: Synthesized,
) -> None:
    (client,) = prod.resources("AWS::Cognito::UserPoolClient").values()

    assert "APP_BASE_URL" not in _env(prod, "APIHandler")
    assert client["Properties"]["CallbackURLs"] == ["http://localhost:8000/"]
