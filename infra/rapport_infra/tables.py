"""DynamoDB tables built from `chalicelib.tables` specs, the one definition of keys and indexes."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from chalicelib.tables import TableSpec


class TableError(ValueError):
    """A table lacks what the stack needs from it."""


def stream_arn(table: dynamodb.ITable) -> str:
    """The ARN of the table's stream; the projector and its permissions cannot do without it."""
    if table.table_stream_arn is None:
        raise TableError(f"{table.node.path} has no stream")
    return table.table_stream_arn


def _string_key(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


def table_from_spec(
    scope: Construct,
    construct_id: str,
    spec: TableSpec,
    *,
    table_name: str,
    point_in_time_recovery: bool,
    protect: bool,
) -> dynamodb.Table:
    """An on-demand table with the spec's keys, GSIs, stream and TTL.

    `protect` turns on deletion protection and keeps the table when the stack is deleted:
    the events table is the system of record, and nothing can rebuild it.
    """
    table = dynamodb.Table(
        scope,
        construct_id,
        table_name=table_name,
        partition_key=_string_key(spec.partition_key),
        sort_key=_string_key(spec.sort_key),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        stream=dynamodb.StreamViewType(spec.stream_view_type) if spec.stream_view_type else None,
        time_to_live_attribute=spec.ttl_attribute,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=point_in_time_recovery
        ),
        deletion_protection=protect,
        removal_policy=RemovalPolicy.RETAIN if protect else RemovalPolicy.DESTROY,
    )
    for index in spec.indexes:
        table.add_global_secondary_index(
            index_name=index.name,
            partition_key=_string_key(index.partition_key),
            sort_key=_string_key(index.sort_key),
            projection_type=dynamodb.ProjectionType.ALL,
        )
    return table
