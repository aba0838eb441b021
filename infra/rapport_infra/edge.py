"""The API stage as a security review wants it: access logs, throttling and tracing.

Access logs are the audit trail of who called: API Gateway writes one JSON line per request,
including those it refuses itself (no token, throttled, blocked by the WAF) that never reach a
function's logs. The tenant and user come from the authorizer's context
(chalicelib/api/authorizer.py); bodies, query strings (the unsubscribe link's token) and
headers (the bearer token) are never logged.
"""

from __future__ import annotations

import json

from aws_cdk import Fn, RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk.aws_sam import CfnApi
from chalice.cdk import Chalice
from constructs import Construct

from rapport_infra.gateway import REST_API
from rapport_infra.stage import StageConfig

# Every value quoted, so that a missing one ("-") still leaves valid JSON; every value is from
# a fixed vocabulary or an id the authorizer validated, so none can break the quoting.
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "time": "$context.requestTimeEpoch",
    "ip": "$context.identity.sourceIp",
    "method": "$context.httpMethod",
    "resource": "$context.resourcePath",
    "path": "$context.path",
    "status": "$context.status",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
    "responseLength": "$context.responseLength",
    "tenantId": "$context.authorizer.tenant_id",
    "userId": "$context.authorizer.user_id",
    "authError": "$context.authorizer.auth_error",
    "gatewayError": "$context.error.responseType",
    "waf": "$context.wafResponseCode",
    "traceId": "$context.xrayTraceId",
}
ACCESS_LOG_FORMAT = json.dumps(ACCESS_LOG_FIELDS, separators=(",", ":"))


def configure_stage(scope: Construct, chalice: Chalice, config: StageConfig) -> logs.LogGroup:
    """Turns on access logging (to the returned group), stage throttling and X-Ray on the
    Chalice app's REST API stage."""
    access_logs = logs.LogGroup(
        scope,
        "ApiAccessLogs",
        log_group_name=f"/aws/apigateway/{config.name('api-access')}",
        retention=logs.RetentionDays.THREE_MONTHS
        if config.is_prod
        else logs.RetentionDays.TWO_WEEKS,
        removal_policy=RemovalPolicy.RETAIN if config.is_prod else RemovalPolicy.DESTROY,
    )
    api = chalice.get_resource(REST_API)
    assert isinstance(api, CfnApi)
    # A name of our own, which the 5xx alarm's `ApiName` dimension names.
    api.add_property_override("Name", api_name(config))
    api.add_property_override(
        "AccessLogSetting",
        {"DestinationArn": access_logs.log_group_arn, "Format": ACCESS_LOG_FORMAT},
    )
    api.add_property_override(
        "MethodSettings",
        [
            {
                "ResourcePath": "/*",
                "HttpMethod": "*",
                # Past these, API Gateway answers 429 itself (gateway.py gives it our shape).
                "ThrottlingRateLimit": config.stage_rate_limit,
                "ThrottlingBurstLimit": config.stage_burst_limit,
                "MetricsEnabled": True,
                # Execution logs could carry bodies; access logs are enough for the audit.
                "DataTraceEnabled": False,
            }
        ],
    )
    api.add_property_override("TracingEnabled", True)
    # A stage may log only once the region's API Gateway account has a role for CloudWatch.
    api.add_resource_dependency(_logging_account(scope))
    return access_logs


def _logging_account(scope: Construct) -> apigateway.CfnAccount:
    """The region-wide API Gateway setting that lets stages write to CloudWatch Logs.

    One per account and region, shared by every stack that sets it (the last deploy wins), so
    both are kept when a stack is deleted: a stage of another stack may still rely on them.
    """
    role = iam.Role(
        scope,
        "ApiGatewayLogsRole",
        assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name(
                "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
            )
        ],
    )
    role.apply_removal_policy(RemovalPolicy.RETAIN)
    account = apigateway.CfnAccount(scope, "ApiGatewayAccount", cloud_watch_role_arn=role.role_arn)
    account.apply_removal_policy(RemovalPolicy.RETAIN)
    return account


def api_name(config: StageConfig) -> str:
    """The REST API's name: `rapport-{stage}-api`."""
    return config.name("api")


def stage_arn() -> str:
    """The ARN of the REST API's stage, for the WAF association.

    `RestAPI.Stage` is SAM's reference to the stage it generates: it resolves to the stage's
    name and makes the association wait for the stage to exist.
    """
    return Fn.sub(
        "arn:${AWS::Partition}:apigateway:${AWS::Region}::"
        f"/restapis/${{{REST_API}}}/stages/${{{REST_API}.Stage}}"
    )
