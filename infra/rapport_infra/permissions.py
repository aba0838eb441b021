"""Least-privilege policies, one per Lambda function: only the actions and resources it uses.

No statement grants a wildcard action. DynamoDB's TransactWriteItems has no IAM action of its
own: each Put, Update, Delete or ConditionCheck inside it is authorized as the single-item action.
Every function also sends its X-Ray traces (`tracing_statement`). The functions that only check
or record membership (the authorizer, Cognito's triggers) may touch the tenancy partitions of
the events table and no other item of it (`dynamodb:LeadingKeys`).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs

from chalicelib.adapters.dynamodb_tenancy import tenancy_pk
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
# Projecting reads a user's views and dashboards (their own and their shard's) with
# BatchGetItem (viewstore/dynamodb.py `get_views`, `get_dashboards`), and so does the tenant
# dashboard (its shards, and the dashboards of members who share).
VIEWS_BATCH_READ = "dynamodb:BatchGetItem"
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
# A tenant's invitations and members share one partition, `T#{tenant}#TENANCY`; this pattern
# matches every tenant's and no contact's (`T#{tenant}#C#{contact}`), nor a user's views.
TENANCY_PARTITIONS = tenancy_pk("*")
# PostConfirmation sets the new user's tenant and puts them in their role's group.
ADMIN_USER_POOL = ("cognito-idp:AdminUpdateUserAttributes", "cognito-idp:AdminAddUserToGroup")
# Erasing a contact as DELETE /contacts/{id} does: read its stream, redact (UpdateItem) and
# delete (DeleteItem) its items, append the erasure (PutItem, in a TransactWriteItems).
ERASE = (
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
)


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


def _tenancy_only(actions: tuple[str, ...], table: dynamodb.ITable) -> iam.PolicyStatement:
    # ForAllValues holds when a request names no key, but each action granted here names one.
    return iam.PolicyStatement(
        actions=list(actions),
        resources=[table.table_arn],
        conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [TENANCY_PARTITIONS]}},
    )


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


def _projecting(res: Resources) -> iam.PolicyStatement:
    """What the projector's code does to the views table, wherever it runs."""
    return _allow((*READ, VIEWS_BATCH_READ, *WRITE), [res.views.table_arn])


def api_statements(res: Resources) -> list[iam.PolicyStatement]:
    """Commands load and append events (with idempotency records); queries read the views,
    through every index but the scheduler's cross-tenant due index; every request takes from
    its tenant's token bucket; the signing keys are read at cold start. It sends one kind of
    email, as the sender only: the link that confirms a new reminder address. The CSV import
    reads and writes the events table in batches; the webhooks and the calendar feed need
    nothing more (their user's integrations item lives in the events table). Erasing a contact
    (DELETE /contacts/{id}) projects it at once, in process, so its name leaves the views
    before the answer: the API writes the views table as the projector does."""
    keys = res.secrets
    return [
        _allow((*READ, *WRITE), [res.events.table_arn]),
        _allow(IMPORT_BATCHES, [res.events.table_arn]),
        _projecting(res),
        _allow(READ, _tenant_indexes(res)),
        _allow(LIMITER, [res.limits.table_arn]),
        _allow(SEND_MAIL, [res.mail.identity_arn, res.mail.configuration_set_arn]),
        *_read_secrets(keys.unsubscribe, keys.cursor, keys.webhook_key),
    ]


def authorizer_statements(res: Resources) -> list[iam.PolicyStatement]:
    """The authorizer checks a token against the pool's public keys (fetched over HTTPS), then
    that its user was not removed: one GetItem of the member record, and a conditional PutItem
    the first time it sees a user. It parses whatever callers send, so it may read and write
    membership only, never a contact."""
    return [_tenancy_only(("dynamodb:GetItem", "dynamodb:PutItem"), res.events)]


def pre_sign_up_statements(res: Resources) -> list[iam.PolicyStatement]:
    """Cognito's PreSignUp accepts only a valid invitation: its link's signature (invite links
    are signed with the unsubscribe key) and one GetItem of the invitation itself."""
    return [
        _tenancy_only(("dynamodb:GetItem",), res.events),
        *_read_secrets(res.secrets.unsubscribe),
    ]


def post_confirmation_statements(res: Resources) -> list[iam.PolicyStatement]:
    """Cognito's PostConfirmation reads the invitation again, and in one conditional
    TransactWriteItems marks it used (Update) and records the member (Put). What it does on
    the user pool is granted apart (`user_pool_statements`): the pool names this function as
    its trigger, so the function's own role cannot name the pool."""
    return [
        _tenancy_only(("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"), res.events),
        *_read_secrets(res.secrets.unsubscribe),
    ]


def user_pool_statements(pool: cognito.IUserPool) -> list[iam.PolicyStatement]:
    """PostConfirmation sets the new user's `custom:member_tenant` (AdminUpdateUserAttributes)
    and adds coaches and admins to their group: on this pool only."""
    return [_allow(ADMIN_USER_POOL, [pool.user_pool_arn])]


def eraser_statements(res: Resources) -> list[iam.PolicyStatement]:
    """30 days after a member's removal: finds who is due (one Query of the erasure index, the
    one read not on a tenant's key), erases their contacts as the API's DELETE does, deletes
    their webhook and feed secrets (their integrations item), marks them erased, and
    re-projects the erased contacts into the views as the projector does. Before that, it sends
    the exports a removal could not send (their index is another Query of the events table), as
    the sender only; no secret (an export email carries no signed link)."""
    return [
        _allow(ERASE, [res.events.table_arn]),
        _projecting(res),
        _allow(SEND_MAIL, [res.mail.identity_arn, res.mail.configuration_set_arn]),
    ]


def projector_statements(res: Resources) -> list[iam.PolicyStatement]:
    """Reads the stream as a doorbell, the events it names, and writes the views."""
    return [
        _allow(STREAM_READ, [stream_arn(res.events)]),
        _allow((STREAM_LIST,), ["*"]),
        _allow(READ, [res.events.table_arn]),
        _projecting(res),
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
