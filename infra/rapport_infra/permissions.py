"""Least-privilege policies, one per Lambda function: only the actions and resources it uses.

No statement grants a wildcard action. DynamoDB's TransactWriteItems has no IAM action of its
own: each Put, Update, Delete or ConditionCheck inside it is authorized as the single-item action.
Every function also sends its X-Ray traces (`tracing_statement`).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs

from chalicelib.tables import DUE, VIEWS
from rapport_infra.mail import ReminderMail
from rapport_infra.secrets import SigningSecrets
from rapport_infra.tables import stream_arn

READ = ("dynamodb:GetItem", "dynamodb:Query")
WRITE = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
)
# The CSV import: one BatchGetItem per 100 rows (which streams exist) and one BatchWriteItem
# per 25 (their first events), on the events table only.
IMPORT_BATCHES = ("dynamodb:BatchGetItem", "dynamodb:BatchWriteItem")
# Lambda's poller reads the stream as the function's role. ListStreams has no resource type,
# so it alone is granted on "*" (a list of stream ARNs, no data).
STREAM_READ = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")
STREAM_LIST = "dynamodb:ListStreams"
SEND_MAIL = ("ses:SendEmail", "ses:SendRawEmail")
# X-Ray's write actions have no resource type: they are granted on "*".
TRACING = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")
# One BatchGetSecretValue per cold start; it has no resource type, and returns only secrets the
# role may also GetSecretValue, which is granted per secret.
READ_SECRET = "secretsmanager:GetSecretValue"
READ_SECRETS_BATCH = "secretsmanager:BatchGetSecretValue"
# The tenant's token bucket: one conditional UpdateItem per request (and a GetItem fallback).
LIMITER = ("dynamodb:UpdateItem", "dynamodb:GetItem")


@dataclass(frozen=True)
class Resources:
    """What the functions touch."""

    events: dynamodb.ITable
    views: dynamodb.ITable
    limits: dynamodb.ITable
    projector_failures: sqs.IQueue
    mail: ReminderMail
    secrets: SigningSecrets
    # Received mail: the objects' ARN (by the bucket's fixed name, see inbound.py) and the
    # queue of the events ReceiveEmail failed.
    inbound_mail_objects_arn: str
    inbound_failures: sqs.IQueue


def _allow(actions: tuple[str, ...] | list[str], resources: list[str]) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=list(actions), resources=resources)


def _index_arn(table: dynamodb.ITable, index_name: str) -> str:
    return f"{table.table_arn}/index/{index_name}"


def logs_statement(log_group: logs.ILogGroup) -> iam.PolicyStatement:
    """Writing to the function's own log group, which the stack creates (so no CreateLogGroup)."""
    return _allow(("logs:CreateLogStream", "logs:PutLogEvents"), [log_group.log_group_arn])


def tracing_statement() -> iam.PolicyStatement:
    """Sending the function's X-Ray segments (active tracing)."""
    return _allow(TRACING, ["*"])


def _read_secrets(*secrets: secretsmanager.ISecret) -> list[iam.PolicyStatement]:
    return [
        _allow((READ_SECRET,), [secret.secret_arn for secret in secrets]),
        _allow((READ_SECRETS_BATCH,), ["*"]),
    ]


def _tenant_indexes(res: Resources) -> list[str]:
    return [_index_arn(res.views, i.name) for i in VIEWS.indexes if i is not DUE]


def api_statements(res: Resources) -> list[iam.PolicyStatement]:
    """Commands load and append events (with idempotency records); queries read the views,
    through every index but the scheduler's cross-tenant due index; every request takes from
    its tenant's token bucket; the signing keys are read at cold start. It sends one kind of
    email, as the sender only: the link that confirms a new reminder address. The CSV import
    reads and writes the events table in batches; the webhooks and the calendar feed need
    nothing more (their user's integrations item lives in the events table)."""
    keys = res.secrets
    return [
        _allow((*READ, *WRITE), [res.events.table_arn]),
        _allow(IMPORT_BATCHES, [res.events.table_arn]),
        _allow(READ, [res.views.table_arn, *_tenant_indexes(res)]),
        _allow(LIMITER, [res.limits.table_arn]),
        _allow(SEND_MAIL, [res.mail.identity_arn, res.mail.configuration_set_arn]),
        *_read_secrets(keys.unsubscribe, keys.cursor, keys.webhook_key),
    ]


def authorizer_statements(res: Resources) -> list[iam.PolicyStatement]:
    """The authorizer only checks a token against the pool's public keys, fetched over HTTPS."""
    return []


def projector_statements(res: Resources) -> list[iam.PolicyStatement]:
    """Reads the stream as a doorbell, the events it names, and writes the views."""
    return [
        _allow(STREAM_READ, [stream_arn(res.events)]),
        _allow((STREAM_LIST,), ["*"]),
        _allow(READ, [res.events.table_arn]),
        _allow((*READ, *WRITE), [res.views.table_arn]),
        _allow(("sqs:SendMessage",), [res.projector_failures.queue_arn]),
    ]


def sweep_statements(res: Resources) -> list[iam.PolicyStatement]:
    """Finds due reminders on the due index only, claims each with a conditional write, sends
    it, and appends `reminder_sent` to the contact's stream. Its PutItem on the events table
    also writes the record of which items a reminder email listed, for replies."""
    return [
        _allow(("dynamodb:Query",), [_index_arn(res.views, DUE.name)]),
        _allow((*READ, *WRITE), [res.views.table_arn]),
        _allow((*READ, "dynamodb:PutItem", "dynamodb:ConditionCheckItem"), [res.events.table_arn]),
        _allow(SEND_MAIL, [res.mail.identity_arn, res.mail.configuration_set_arn]),
        *_read_secrets(res.secrets.unsubscribe),
    ]


def inbound_statements(res: Resources) -> list[iam.PolicyStatement]:
    """Reads the message SES stored and deletes it once handled (never lists: the bucket's
    lifecycle expires what a failure left), records steps and settings as the API does (and
    its own ledger items, beside them in the events table; no import batches), finds the
    sender's contacts through their list views, answers as the sender, and reads the
    unsubscribe key, which signs the reply, undo and log addresses and links under their own
    contexts. Events it failed go to its queue."""
    return [
        _allow(("s3:GetObject", "s3:DeleteObject"), [res.inbound_mail_objects_arn]),
        _allow((*READ, *WRITE), [res.events.table_arn]),
        _allow(READ, [res.views.table_arn, *_tenant_indexes(res)]),
        _allow(SEND_MAIL, [res.mail.identity_arn, res.mail.configuration_set_arn]),
        *_read_secrets(res.secrets.unsubscribe),
        _allow(("sqs:SendMessage",), [res.inbound_failures.queue_arn]),
    ]
