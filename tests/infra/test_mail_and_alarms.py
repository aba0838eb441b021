"""Reminders go out through one SES configuration set; trouble reaches one alarm topic."""

from __future__ import annotations

from typing import Any

import pytest

from .synth import Synthesized

PROJECTOR = "rapport-prod-project_events"
RECEIVER = "rapport-prod-receive_email"


def _logical_id(synth: Synthesized, resource_type: str) -> str:
    (logical_id, *others) = synth.resources(resource_type)
    assert not others, f"expected one {resource_type}"
    return logical_id


def test_reminders_use_a_configuration_set_that_suppresses_bounces_and_complaints(
    prod: Synthesized,
) -> None:
    config_set = _logical_id(prod, "AWS::SES::ConfigurationSet")

    prod.template.has_resource_properties(
        "AWS::SES::ConfigurationSet",
        {
            "Name": "rapport-prod-reminders",
            "ReputationOptions": {"ReputationMetricsEnabled": True},
            "SuppressionOptions": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
        },
    )
    sweep_env = prod.resource("SendReminders")["Properties"]["Environment"]["Variables"]
    assert sweep_env["SES_CONFIGURATION_SET"] == {"Ref": config_set}
    assert sweep_env["REMINDER_FROM"] == "reminders@rapport.example"


def test_bounces_and_complaints_are_published_to_an_sns_topic(prod: Synthesized) -> None:
    config_set = _logical_id(prod, "AWS::SES::ConfigurationSet")
    (destination,) = [
        resource["Properties"]
        for resource in prod.resources("AWS::SES::ConfigurationSetEventDestination").values()
    ]

    assert destination["ConfigurationSetName"] == {"Ref": config_set}
    assert {"bounce", "complaint"} <= set(destination["EventDestination"]["MatchingEventTypes"])
    topic = destination["EventDestination"]["SnsDestination"]["TopicARN"]["Ref"]
    assert prod.resource(topic)["Properties"]["TopicName"] == "rapport-prod-ses-feedback"


def test_the_sender_domain_is_an_identity_sending_through_the_configuration_set(
    prod: Synthesized,
) -> None:
    config_set = _logical_id(prod, "AWS::SES::ConfigurationSet")

    prod.template.has_resource_properties(
        "AWS::SES::EmailIdentity",
        {
            "EmailIdentity": "rapport.example",
            "ConfigurationSetAttributes": {"ConfigurationSetName": {"Ref": config_set}},
        },
    )


def _alarm(synth: Synthesized, name: str) -> dict[str, Any]:
    alarms = [
        resource["Properties"]
        for resource in synth.resources("AWS::CloudWatch::Alarm").values()
        if resource["Properties"]["AlarmName"] == f"rapport-prod-{name}"
    ]
    assert len(alarms) == 1, f"expected one alarm {name}"
    return alarms[0]


@pytest.mark.parametrize(
    ("name", "namespace", "metric", "dimension", "threshold"),
    [
        ("projector-errors", "AWS/Lambda", "Errors", PROJECTOR, 1),
        ("projector-iterator-age", "AWS/Lambda", "IteratorAge", PROJECTOR, 60_000),
        ("sweep-errors", "AWS/Lambda", "Errors", "rapport-prod-send_reminders", 1),
        ("inbound-errors", "AWS/Lambda", "Errors", RECEIVER, 1),
        # PreSignUp says no by failing: a refused invitation is one error, so it takes five.
        ("pre-sign-up-errors", "AWS/Lambda", "Errors", "rapport-prod-cognito_pre_sign_up", 5),
        (
            "post-confirmation-errors",
            "AWS/Lambda",
            "Errors",
            "rapport-prod-cognito_post_confirmation",
            1,
        ),
        ("erasure-errors", "AWS/Lambda", "Errors", "rapport-prod-erase_offboarded", 1),
        ("ses-bounce-rate", "AWS/SES", "Reputation.BounceRate", None, 0.04),
        ("ses-complaint-rate", "AWS/SES", "Reputation.ComplaintRate", None, 0.0008),
        # Rapport's own (EMF), each emitted by its path in tests/operations/test_alarm_metrics.py
        ("sweep-failures", "Rapport", "RemindersFailed", "rapport-service", 1),
        ("records-set-aside", "Rapport", "RecordsSetAside", "rapport-service", 1),
        ("projection-lag", "Rapport", "ProjectionLag", "rapport-service", 60_000),
    ],
)
def test_each_alarm_watches_its_metric_and_notifies_the_alarm_topic(
    prod: Synthesized,
    name: str,
    namespace: str,
    metric: str,
    dimension: str | None,
    threshold: float,
) -> None:
    alarm = _alarm(prod, name)
    topic = prod.json["Outputs"]["AlarmTopicArn"]["Value"]

    assert (alarm["Namespace"], alarm["MetricName"], alarm["Threshold"]) == (
        namespace,
        metric,
        threshold,
    )
    assert [d["Value"] for d in alarm.get("Dimensions", [])] == ([dimension] if dimension else [])
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["AlarmActions"] == [topic]


def test_the_api_s_5xx_rate_over_five_percent_raises_an_alarm(prod: Synthesized) -> None:
    alarm = _alarm(prod, "api-5xx-rate")
    (api,) = [
        resource["Properties"] for resource in prod.resources("AWS::Serverless::Api").values()
    ]

    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == (
        "AWS/ApiGateway",
        "5XXError",
        "Average",
    )
    assert alarm["Threshold"] == 0.05
    dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
    assert dimensions == {"ApiName": api["Name"], "Stage": {"Fn::Sub": "${RestAPI.Stage}"}}
    assert api["Name"] == "rapport-prod-api"


def test_there_are_fifteen_alarms(prod: Synthesized) -> None:
    assert len(prod.resources("AWS::CloudWatch::Alarm")) == 15


@pytest.mark.parametrize(
    ("name", "queue_name"),
    [
        ("projector-failures-queued", "rapport-prod-projector-failures"),
        ("inbound-failures-queued", "rapport-prod-inbound-failures"),
    ],
)
def test_a_single_record_parked_in_a_failure_queue_raises_an_alarm(
    prod: Synthesized, name: str, queue_name: str
) -> None:
    alarm = _alarm(prod, name)
    (queue,) = [
        logical_id
        for logical_id, resource in prod.resources("AWS::SQS::Queue").items()
        if resource["Properties"]["QueueName"] == queue_name
    ]

    assert (alarm["Namespace"], alarm["MetricName"]) == (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
    )
    assert alarm["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}
    ]
    assert alarm["Threshold"] == 1


def test_an_operator_email_is_subscribed_to_the_alarm_topic_when_given(
    prod: Synthesized, dev: Synthesized
) -> None:
    dev.template.has_resource_properties(
        "AWS::SNS::Subscription",
        {
            "Protocol": "email",
            "Endpoint": "ops@rapport.example",
            "TopicArn": dev.json["Outputs"]["AlarmTopicArn"]["Value"],
        },
    )
    assert prod.resources("AWS::SNS::Subscription") == {}


def test_both_topics_are_encrypted_with_a_rotating_key_their_publishers_may_use(
    prod: Synthesized,
) -> None:
    key_id = _logical_id(prod, "AWS::KMS::Key")
    key = prod.resource(key_id)["Properties"]

    assert key["EnableKeyRotation"] is True
    for topic in prod.resources("AWS::SNS::Topic").values():
        assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    (publishers,) = [
        statement
        for statement in key["KeyPolicy"]["Statement"]
        if "Service" in statement["Principal"]
    ]
    assert set(publishers["Principal"]["Service"]) == {
        "ses.amazonaws.com",
        "cloudwatch.amazonaws.com",
    }
    assert set(publishers["Action"]) == {"kms:GenerateDataKey*", "kms:Decrypt"}
    assert publishers["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }


def test_the_feedback_topic_carries_users_addresses_so_prod_keeps_its_key(
    prod: Synthesized, dev: Synthesized
) -> None:
    assert prod.resource(_logical_id(prod, "AWS::KMS::Key"))["DeletionPolicy"] == "Retain"
    assert dev.resource(_logical_id(dev, "AWS::KMS::Key"))["DeletionPolicy"] == "Delete"
