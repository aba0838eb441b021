"""The projector reads the events table's stream safely; the sweep runs every 15 minutes, the
erasure of removed members every hour."""

from __future__ import annotations

from typing import Any

from .synth import FUNCTIONS, Synthesized


def _logical_id(synth: Synthesized, resource_type: str, **properties: Any) -> str:
    matches = [
        logical_id
        for logical_id, resource in synth.resources(resource_type).items()
        if all(resource["Properties"].get(k) == v for k, v in properties.items())
    ]
    assert len(matches) == 1, f"expected one {resource_type} with {properties}"
    return matches[0]


def _stream_event(synth: Synthesized) -> dict[str, Any]:
    events = synth.resource("ProjectEvents")["Properties"]["Events"]
    assert list(events) == ["ProjectEventsDynamodbEventSource"]
    return events["ProjectEventsDynamodbEventSource"]


def test_the_projector_listens_to_the_events_tables_stream_not_the_placeholder(
    prod: Synthesized,
) -> None:
    events_table = _logical_id(prod, "AWS::DynamoDB::Table", TableName="rapport-prod-events")
    event = _stream_event(prod)

    assert event["Type"] == "DynamoDB"
    assert event["Properties"]["Stream"] == {"Fn::GetAtt": [events_table, "StreamArn"]}


def test_a_failing_record_is_isolated_retried_a_few_times_then_parked_in_a_queue(
    prod: Synthesized,
) -> None:
    queue = _logical_id(prod, "AWS::SQS::Queue", QueueName="rapport-prod-projector-failures")

    prod.template.has_resource_properties(
        "AWS::Serverless::Function",
        {
            "FunctionName": "rapport-prod-project_events",
            "Events": {
                "ProjectEventsDynamodbEventSource": {
                    "Properties": {
                        "FunctionResponseTypes": ["ReportBatchItemFailures"],
                        "BisectBatchOnFunctionError": True,
                        "MaximumRetryAttempts": 5,
                        "MaximumRecordAgeInSeconds": 3600,
                        "StartingPosition": "TRIM_HORIZON",
                        "DestinationConfig": {
                            "OnFailure": {
                                "Type": "SQS",
                                "Destination": {"Fn::GetAtt": [queue, "Arn"]},
                            }
                        },
                    }
                }
            },
        },
    )


def test_parked_records_are_kept_for_two_weeks_encrypted(prod: Synthesized) -> None:
    prod.template.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "QueueName": "rapport-prod-projector-failures",
            "MessageRetentionPeriod": 14 * 24 * 3600,
            "SqsManagedSseEnabled": True,
        },
    )


def test_the_reminder_sweep_is_scheduled_every_fifteen_minutes(prod: Synthesized) -> None:
    events = prod.resource("SendReminders")["Properties"]["Events"]

    assert [event["Type"] for event in events.values()] == ["Schedule"]
    assert [event["Properties"]["Schedule"] for event in events.values()] == ["rate(15 minutes)"]


def test_removed_members_data_is_erased_by_a_job_that_runs_every_hour(prod: Synthesized) -> None:
    # Erasure is due 30 days after a removal; an hour late is within the promise.
    events = prod.resource("EraseOffboarded")["Properties"]["Events"]

    assert [event["Type"] for event in events.values()] == ["Schedule"]
    assert [event["Properties"]["Schedule"] for event in events.values()] == ["rate(1 hour)"]


def test_every_function_logs_to_a_group_the_stack_owns_with_a_retention(
    prod: Synthesized, dev: Synthesized
) -> None:
    for synth, days in ((prod, 90), (dev, 14)):
        # ...and the custom resource activating the inbound rule set.
        for function in (*FUNCTIONS, "InboundActivator9D547BB6"):
            props = synth.resource(function)["Properties"]
            group = synth.resource(props["LoggingConfig"]["LogGroup"]["Ref"])["Properties"]
            assert group["LogGroupName"] == f"/aws/lambda/{props['FunctionName']}"
            assert group["RetentionInDays"] == days
