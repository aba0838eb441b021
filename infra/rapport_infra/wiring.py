"""Adjusts the functions `chalice package` generated: names, logs, environment, roles, stream."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from chalice.cdk import Chalice
from constructs import Construct

from rapport_infra.chalice_app import PROJECTOR, PROJECTOR_STREAM_EVENT, ChaliceFunction
from rapport_infra.permissions import logs_statement, tracing_statement
from rapport_infra.stage import StageConfig
from rapport_infra.tables import stream_arn

# Past this many attempts or this age a batch goes to the on-failure queue; the projector heals
# gaps on the next record of the same contact, and `rebuild-projections` heals the rest.
STREAM_MAX_RETRIES = 5
STREAM_MAX_RECORD_AGE = Duration.hours(1)


def function_name(config: StageConfig, function: ChaliceFunction) -> str:
    """Physical names fixed in advance, so log groups and alarms need no reference to them."""
    return config.name(function.python_name)


def function_log_group(
    scope: Construct, construct_id: str, name: str, config: StageConfig
) -> logs.LogGroup:
    """The log group of the function named `name`: 90 days in prod (and kept), 14 in dev."""
    retention = logs.RetentionDays.THREE_MONTHS if config.is_prod else logs.RetentionDays.TWO_WEEKS
    return logs.LogGroup(
        scope,
        construct_id,
        log_group_name=f"/aws/lambda/{name}",
        retention=retention,
        removal_policy=RemovalPolicy.RETAIN if config.is_prod else RemovalPolicy.DESTROY,
    )


def name_and_log(
    scope: Construct, chalice: Chalice, config: StageConfig, function: ChaliceFunction
) -> logs.LogGroup:
    """Names the function, traces it, and gives it a log group with a retention, created
    before it runs."""
    name = function_name(config, function)
    log_group = function_log_group(scope, f"{function.logical_id}Logs", name, config)
    resource = chalice.get_resource(function.logical_id)
    resource.add_property_override("FunctionName", name)
    resource.add_property_override("LoggingConfig", {"LogGroup": log_group.log_group_name})
    # Active: each invocation is traced whether or not its caller sampled it (the API stage
    # traces too, so one trace follows a request from the gateway through the function).
    resource.add_property_override("Tracing", "Active")
    return log_group


def set_environment(
    chalice: Chalice,
    function: ChaliceFunction,
    env: Mapping[str, str],
    configured: set[str],
) -> None:
    """Makes `env` the function's whole environment. Variables `.chalice/config.json` set for
    local use (`configured`) are removed, so a local-only value such as AUTH_JWT_SECRET can
    never reach a deployed function."""
    resource = chalice.get_resource(function.logical_id)
    for key in sorted(configured - set(env)):
        resource.add_property_deletion_override(f"Environment.Variables.{key}")
    for key, value in env.items():
        chalice.add_environment_variable(key, value, function.logical_id)


def grant(
    chalice: Chalice,
    function: ChaliceFunction,
    log_group: logs.ILogGroup,
    statements: list[iam.PolicyStatement],
) -> None:
    """Replaces the role's policy with exactly these statements (and the function's logs and
    traces), inline: the role then has its permissions before the function and its event source
    mapping are created."""
    own = [logs_statement(log_group), tracing_statement()]
    document = iam.PolicyDocument(statements=[*own, *statements])
    chalice.get_resource(function.role_logical_id).add_property_override(
        "Policies",
        [{"PolicyName": f"{function.logical_id}Policy", "PolicyDocument": document}],
    )


def grant_apart(
    scope: Construct,
    chalice: Chalice,
    function: ChaliceFunction,
    statements: list[iam.PolicyStatement],
) -> iam.CfnPolicy:
    """Statements on a resource that itself depends on the function (the user pool naming it
    as a trigger), as a policy of their own attached to the function's role: in the role's
    own policy they would close a cycle (pool -> function -> role -> pool). CloudFormation
    creates it just after the pool; on a first deploy no invitation exists yet to use that
    moment, and later deploys keep it."""
    return iam.CfnPolicy(
        scope,
        f"{function.logical_id}PoolPolicy",
        policy_name=f"{function.logical_id}PoolPolicy",
        policy_document=iam.PolicyDocument(statements=statements),
        roles=[chalice.get_resource(function.role_logical_id).ref],
    )


def wire_projector_stream(chalice: Chalice, events: dynamodb.ITable, failures: sqs.IQueue) -> None:
    """Points the projector at the events table's stream, with partial batch responses."""
    props = f"Events.{PROJECTOR_STREAM_EVENT}.Properties"
    resource = chalice.get_resource(PROJECTOR.logical_id)
    settings: dict[str, object] = {
        # `@app.on_dynamodb_record` needed a literal ARN at import time; this is the real one.
        "Stream": stream_arn(events),
        # Start from the oldest record: events written before the mapping existed still count.
        "StartingPosition": "TRIM_HORIZON",
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "BisectBatchOnFunctionError": True,
        "MaximumRetryAttempts": STREAM_MAX_RETRIES,
        "MaximumRecordAgeInSeconds": int(STREAM_MAX_RECORD_AGE.to_seconds()),
        "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": failures.queue_arn}},
    }
    for key, value in settings.items():
        resource.add_property_override(f"{props}.{key}", value)


def size_function(
    chalice: Chalice, function: ChaliceFunction, timeout: Duration, memory_mb: int
) -> None:
    """The function's timeout and memory, whatever `.chalice/config.json` says."""
    resource = chalice.get_resource(function.logical_id)
    resource.add_property_override("Timeout", int(timeout.to_seconds()))
    resource.add_property_override("MemorySize", memory_mb)
