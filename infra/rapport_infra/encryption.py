"""The customer-managed KMS key of the stage's SNS topics (mail feedback carries addresses).

SNS encrypts a topic's messages with it; the services that publish to those topics (SES for
bounces and complaints, CloudWatch for alarms) must be allowed to use the key, which an
AWS-managed key (`alias/aws/sns`) cannot grant, hence a key of our own.
"""

from __future__ import annotations

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from rapport_infra.stage import StageConfig

# Who publishes to our encrypted topics.
PUBLISHERS = ("ses.amazonaws.com", "cloudwatch.amazonaws.com")


def topic_key(scope: Construct, construct_id: str, *, config: StageConfig) -> kms.Key:
    """A rotating key for the topics, usable by their publishers for this account only."""
    key = kms.Key(
        scope,
        construct_id,
        alias=f"alias/{config.name('topics')}",
        description=f"Encrypts the SNS topics of {config.stack_name}",
        enable_key_rotation=True,
        # Messages already delivered need no key; a deleted key is only waited for.
        pending_window=Duration.days(30 if config.is_prod else 7),
        removal_policy=RemovalPolicy.RETAIN if config.is_prod else RemovalPolicy.DESTROY,
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="PublishersEncryptForTheirTopics",
            principals=[iam.ServicePrincipal(service) for service in PUBLISHERS],
            actions=["kms:GenerateDataKey*", "kms:Decrypt"],
            resources=["*"],
            conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
        )
    )
    return key
