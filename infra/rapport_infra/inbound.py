"""Email as an interface: SES receives mail for the inbound domain, stores each message in S3,
and the new object invokes `receive_email` (the fifth function).

    MX in.example.org -> SES (receipt rule: TLS required, spam and virus scan)
        -> s3://rapport-{stage}-inbound-{account}-{region}/inbound/{message id}
        -> S3 notification -> ReceiveEmail (async: 2 retries, then the failure queue)

`chalice package` cannot express the S3 trigger (chalice_app.py), so the stack owns the bucket
and configures its notification itself, in plain CloudFormation: the bucket's
`NotificationConfiguration` and the `AWS::Lambda::Permission` that lets S3 invoke the function.
(CDK's `add_event_notification` would do it through a custom-resource Lambda allowed
`s3:PutBucketNotification` on every bucket; the bucket is ours from the start, so no need.)
The bucket's notification names the function, so the function and its role name the bucket by
its fixed name (`bucket_name`), never by reference: a reference would close a cycle.

SES has one active receipt rule set per account and region, and CloudFormation cannot choose
it; a small custom resource (`ACTIVATOR_CODE`) makes this stage's set the active one, and on
deletion deactivates it only if it is still the active one.
"""

from __future__ import annotations

import jsii
from aws_cdk import (
    Aws,
    CfnOutput,
    CfnResource,
    CustomResource,
    Duration,
    RemovalPolicy,
    Stack,
    Token,
)
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sqs as sqs
from aws_cdk.interfaces.aws_ses import IReceiptRuleRef
from constructs import Construct

from rapport_infra.chalice_app import INBOUND_PREFIX, INBOUND_TRIGGER_EVENTS
from rapport_infra.permissions import logs_statement, tracing_statement
from rapport_infra.stage import StageConfig
from rapport_infra.wiring import function_log_group

# SES keeps no copy: the bucket is the only one, and the function reads each message within
# seconds (or, failing, within the 6 hours of retries); a week is enough to investigate.
MESSAGE_RETENTION = Duration.days(7)
# S3 invokes the function asynchronously: Lambda retries a failed event twice, then sends it
# (bucket and key; the message itself stays in S3 for the week) to the failure queue.
RECEIVE_MAX_RETRIES = 2
RECEIVE_MAX_EVENT_AGE = Duration.hours(6)
# One message, up to SES's 40 MB, read whole and parsed: more room than the projector's 128 MB.
RECEIVE_TIMEOUT = Duration.seconds(60)
RECEIVE_MEMORY_MB = 256
# SES's inbound SMTP endpoint of the stack's region (SES receives mail in a few regions only).
MX_PRIORITY = 10

# The custom resource's function (inline, so no asset; Python's own urllib answers
# CloudFormation). Delete deactivates only if this set is still the active one: another stage or
# application may have activated its own since, and deactivating it would stop its mail.
ACTIVATOR_CODE = """\
import json
import urllib.request

import boto3

ses = boto3.client("ses")


def handler(event, context):
    name = event["ResourceProperties"]["RuleSetName"]
    status, reason, data = "SUCCESS", "", {}
    try:
        active = ses.describe_active_receipt_rule_set().get("Metadata", {}).get("Name")
        if event["RequestType"] == "Delete":
            name = event["PhysicalResourceId"]
            if active == name:
                ses.set_active_receipt_rule_set()
        elif active != name:
            print(json.dumps({"activating": name, "was_active": active}))
            ses.set_active_receipt_rule_set(RuleSetName=name)
        data = {"PreviouslyActive": active or ""}
    except Exception as error:
        status, reason = "FAILED", f"{type(error).__name__}: {error}"[:1000]
        print(json.dumps({"failed": reason}))
    body = {
        "Status": status,
        "Reason": reason or "see the function's log",
        "PhysicalResourceId": name,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": data,
    }
    request = urllib.request.Request(
        event["ResponseURL"],
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Content-Type": ""},
    )
    with urllib.request.urlopen(request, timeout=30):
        pass
"""
# Neither action has a resource type: both are granted on "*".
ACTIVATOR_ACTIONS = ("ses:DescribeActiveReceiptRuleSet", "ses:SetActiveReceiptRuleSet")


def bucket_name(config: StageConfig) -> str:
    """The bucket's fixed name: S3 names are global, so it carries the account and region."""
    return f"{config.name('inbound')}-{Aws.ACCOUNT_ID}-{Aws.REGION}"


def bucket_arn(config: StageConfig) -> str:
    return f"arn:{Aws.PARTITION}:s3:::{bucket_name(config)}"


def mail_objects_arn(config: StageConfig) -> str:
    """The objects SES writes and the function reads: `inbound/*` only."""
    return f"{bucket_arn(config)}/{INBOUND_PREFIX}*"


@jsii.implements(ses.IReceiptRuleAction)
class _StoreInBucket:
    """SES's S3 action. `aws_ses_actions.S3` would also add a bucket policy statement, scoped
    to the account only; the stack writes its own, scoped to this rule (`InboundMail`)."""

    def __init__(self, bucket: s3.IBucket) -> None:
        self._bucket = bucket

    def bind(self, receipt_rule: IReceiptRuleRef) -> ses.ReceiptRuleActionConfig:
        return ses.ReceiptRuleActionConfig(
            s3_action=ses.S3ActionConfig(
                bucket_name=self._bucket.bucket_name, object_key_prefix=INBOUND_PREFIX
            )
        )


class InboundMail(Construct):
    """The bucket, the failure queue, SES's receipt rule set and rule, their activation, and
    (if it differs from the sender's) the inbound domain's identity. `invoke` connects the
    bucket to the function once the Chalice app is packaged."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self.domain = config.receiving_domain
        keep = RemovalPolicy.RETAIN if config.is_prod else RemovalPolicy.DESTROY
        # SSE-S3: SES writes with no key policy to grant, and only ReceiveEmail's role reads.
        # No versioning: SES writes each key once, and old versions would outlive the expiry.
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name(config),
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-received-mail",
                    expiration=MESSAGE_RETENTION,
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            # In dev, empty the bucket before deleting the stack (README, Deploy).
            removal_policy=keep,
        )
        self.failures = sqs.Queue(
            self,
            "Failures",
            queue_name=config.name("inbound-failures"),
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        self.rule_set = ses.ReceiptRuleSet(
            self, "RuleSet", receipt_rule_set_name=config.name("inbound")
        )
        rule_name = config.name("inbound-to-s3")
        # SES checks at creation that it may write to the bucket, so the policy comes first.
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="SesStoresReceivedMail",
                principals=[iam.ServicePrincipal("ses.amazonaws.com")],
                actions=["s3:PutObject"],
                resources=[mail_objects_arn(config)],
                conditions={
                    "StringEquals": {
                        "aws:SourceAccount": Aws.ACCOUNT_ID,
                        "aws:SourceArn": self._rule_arn(rule_name),
                    }
                },
            )
        )
        self.rule = self.rule_set.add_rule(
            "StoreInS3",
            receipt_rule_name=rule_name,
            recipients=[self.domain],
            enabled=True,
            # SES adds its spam, virus, SPF and DKIM verdicts to each message's headers.
            scan_enabled=True,
            tls_policy=ses.TlsPolicy.REQUIRE,
            actions=[_StoreInBucket(self.bucket)],
        )
        assert self.bucket.policy is not None  # enforce_ssl made it
        self.rule.node.add_dependency(self.bucket.policy)
        self.active = self._activate(config)
        # SES receives only for a verified domain; the sender domain's identity covers itself.
        self.identity = (
            ses.EmailIdentity(self, "Identity", identity=ses.Identity.domain(self.domain))
            if self.domain != config.sender_domain.lower()
            else None
        )

    def _rule_arn(self, rule_name: str) -> str:
        return Stack.of(self).format_arn(
            service="ses",
            resource="receipt-rule-set",
            resource_name=f"{self._config.name('inbound')}:receipt-rule/{rule_name}",
        )

    def _activate(self, config: StageConfig) -> CustomResource:
        name = config.name("activate_inbound")
        log_group = function_log_group(self, "ActivatorLogs", name, config)
        role = iam.Role(
            self,
            "ActivatorRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            inline_policies={
                "ActivateReceiptRuleSet": iam.PolicyDocument(
                    statements=[
                        logs_statement(log_group),
                        tracing_statement(),
                        iam.PolicyStatement(actions=list(ACTIVATOR_ACTIONS), resources=["*"]),
                    ]
                )
            },
        )
        # The plain resource: `lambda_.Function` would add a second policy for its traces and
        # a DependsOn its role that the role's GetAtt already implies (cfn-lint W3005).
        function = lambda_.CfnFunction(
            self,
            "Activator",
            function_name=name,
            runtime=lambda_.Runtime.PYTHON_3_12.name,
            handler="index.handler",
            code=lambda_.CfnFunction.CodeProperty(zip_file=ACTIVATOR_CODE),
            role=role.role_arn,
            timeout=60,
            logging_config=lambda_.CfnFunction.LoggingConfigProperty(
                log_group=log_group.log_group_name
            ),
            tracing_config=lambda_.CfnFunction.TracingConfigProperty(mode="Active"),
        )
        active = CustomResource(
            self,
            "ActiveRuleSet",
            service_token=function.attr_arn,
            resource_type="Custom::SesActiveReceiptRuleSet",
            properties={"RuleSetName": self.rule_set.receipt_rule_set_name},
        )
        # Activated once its rule exists; on deletion, deactivated before the rule goes.
        active.node.add_dependency(self.rule)
        return active

    def invoke(self, function: CfnResource) -> None:
        """Every object SES stores under `inbound/` invokes `function` (ReceiveEmail's
        resource), asynchronously, with retries and a failure queue."""
        function_arn = Token.as_string(function.get_att("Arn"))
        permission = lambda_.CfnPermission(
            self,
            "S3InvokesReceiveEmail",
            action="lambda:InvokeFunction",
            function_name=function_arn,
            principal="s3.amazonaws.com",
            source_account=Aws.ACCOUNT_ID,
            source_arn=bucket_arn(self._config),
        )
        cfn_bucket = self.bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        under_prefix = s3.CfnBucket.NotificationFilterProperty(
            s3_key=s3.CfnBucket.S3KeyFilterProperty(
                rules=[s3.CfnBucket.FilterRuleProperty(name="prefix", value=INBOUND_PREFIX)]
            )
        )
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            lambda_configurations=[
                s3.CfnBucket.LambdaConfigurationProperty(
                    event=event, function=function_arn, filter=under_prefix
                )
                for event in INBOUND_TRIGGER_EVENTS
            ]
        )
        # S3 checks that it may invoke the function when the notification is configured.
        cfn_bucket.add_resource_dependency(permission)
        lambda_.CfnEventInvokeConfig(
            self,
            "ReceiveEmailAsyncConfig",
            function_name=function.ref,
            qualifier="$LATEST",
            maximum_retry_attempts=RECEIVE_MAX_RETRIES,
            maximum_event_age_in_seconds=int(RECEIVE_MAX_EVENT_AGE.to_seconds()),
            destination_config=lambda_.CfnEventInvokeConfig.DestinationConfigProperty(
                on_failure=lambda_.CfnEventInvokeConfig.OnFailureProperty(
                    destination=self.failures.queue_arn
                )
            ),
        )

    def add_outputs(self, scope: Construct) -> None:
        """The DNS records to publish: the MX, and the inbound identity's DKIM CNAMEs."""
        region = Aws.REGION
        CfnOutput(
            scope,
            "InboundMxRecord",
            value=f"{self.domain} MX {MX_PRIORITY} inbound-smtp.{region}.amazonaws.com",
        )
        CfnOutput(scope, "InboundBucketName", value=self.bucket.bucket_name)
        CfnOutput(scope, "InboundFailureQueueUrl", value=self.failures.queue_url)
        if self.identity is not None:
            for n, record in enumerate(self.identity.dkim_records, start=1):
                value = f"{record.name} CNAME {record.value}"
                CfnOutput(scope, f"InboundDkimCname{n}", value=value)
