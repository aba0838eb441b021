"""The API's edge: access logs, stage and tenant throttling, X-Ray, and a WAF on the stage."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .synth import FUNCTIONS, Synthesized


def _api(synth: Synthesized) -> dict[str, Any]:
    return synth.resource("RestAPI")


def _only(synth: Synthesized, resource_type: str) -> tuple[str, dict[str, Any]]:
    (logical_id, resource), *others = synth.resources(resource_type).items()
    assert not others, f"expected one {resource_type}"
    return logical_id, resource["Properties"]


def _access_log_format(synth: Synthesized) -> dict[str, str]:
    fields: dict[str, str] = json.loads(_api(synth)["Properties"]["AccessLogSetting"]["Format"])
    return fields


def test_the_stage_writes_a_json_access_log_line_per_request_to_its_own_group(
    prod: Synthesized,
) -> None:
    setting = _api(prod)["Properties"]["AccessLogSetting"]
    (group_id,) = [
        logical_id
        for logical_id, group in prod.resources("AWS::Logs::LogGroup").items()
        if group["Properties"]["LogGroupName"] == "/aws/apigateway/rapport-prod-api-access"
    ]

    assert setting["DestinationArn"] == {"Fn::GetAtt": [group_id, "Arn"]}
    assert prod.json["Outputs"]["ApiAccessLogGroup"]["Value"] == {"Ref": group_id}


def test_an_access_log_line_says_who_called_what_with_which_outcome_and_how_fast(
    prod: Synthesized,
) -> None:
    fields = _access_log_format(prod)

    assert fields["requestId"] == "$context.requestId"
    # The tenant and user are the authorizer's context keys (chalicelib/api/authorizer.py).
    assert fields["tenantId"] == "$context.authorizer.tenant_id"
    assert fields["userId"] == "$context.authorizer.user_id"
    assert fields["status"] == "$context.status"
    assert fields["latencyMs"] == "$context.responseLatency"
    assert {"ip", "method", "path", "gatewayError", "waf", "traceId"} <= set(fields)


def test_access_logs_hold_no_bodies_tokens_or_query_strings(prod: Synthesized) -> None:
    values = " ".join(_access_log_format(prod).values())

    for leak in ("body", "requestOverride", "header", "querystring", "input", "apiKey"):
        assert leak.lower() not in values.lower(), leak
    # Execution logs stay off: with data tracing they would hold bodies.
    (settings,) = _api(prod)["Properties"]["MethodSettings"]
    assert settings["DataTraceEnabled"] is False
    assert "LoggingLevel" not in settings


def test_access_logs_are_kept_90_days_in_prod_and_14_in_dev(
    prod: Synthesized, dev: Synthesized
) -> None:
    for synth, days, policy in ((prod, 90, "Retain"), (dev, 14, "Delete")):
        (group,) = [
            group
            for group in synth.resources("AWS::Logs::LogGroup").values()
            if group["Properties"]["LogGroupName"].endswith("-api-access")
        ]
        assert group["Properties"]["RetentionInDays"] == days
        assert group["DeletionPolicy"] == policy


def test_the_region_lets_the_stage_log_through_a_role_kept_when_the_stack_goes(
    prod: Synthesized,
) -> None:
    account_id, account = _only(prod, "AWS::ApiGateway::Account")
    role_id = account["CloudWatchRoleArn"]["Fn::GetAtt"][0]
    role = prod.resource(role_id)

    assert _api(prod)["DependsOn"] == [account_id]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "apigateway.amazonaws.com"
    }
    assert prod.resource(account_id)["DeletionPolicy"] == role["DeletionPolicy"] == "Retain"


def test_the_stage_throttles_every_method_and_api_gateways_429_has_our_shape(
    prod: Synthesized,
) -> None:
    (settings,) = _api(prod)["Properties"]["MethodSettings"]

    assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (100, 200)
    throttled = [
        response["Properties"]
        for response in prod.resources("AWS::ApiGateway::GatewayResponse").values()
        if response["Properties"]["ResponseType"] == "THROTTLED"
    ]
    assert [t["StatusCode"] for t in throttled] == ["429"]


def test_each_tenant_gets_a_share_of_the_stage_taken_by_the_api_on_every_request(
    prod: Synthesized,
) -> None:
    env = prod.resource("APIHandler")["Properties"]["Environment"]["Variables"]
    (limits,) = [
        logical_id
        for logical_id, table in prod.resources("AWS::DynamoDB::Table").items()
        if table["Properties"]["TableName"] == "rapport-prod-limits"
    ]

    assert env["LIMITS_TABLE"] == {"Ref": limits}
    assert (env["TENANT_RATE_LIMIT"], env["TENANT_BURST_LIMIT"]) == ("25", "100")
    table = prod.resource(limits)["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    # Not in the authorizer: API Gateway caches its answers, so it would see few requests.
    authorizer_env = prod.resource("JwtAuth")["Properties"]["Environment"]["Variables"]
    assert "TENANT_RATE_LIMIT" not in authorizer_env


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_the_stage_and_every_function_trace_actively_with_x_ray(
    synthesized: dict[str, Synthesized], stage: str
) -> None:
    synth = synthesized[stage]

    assert _api(synth)["Properties"]["TracingEnabled"] is True
    for function in FUNCTIONS:
        assert synth.resource(function)["Properties"]["Tracing"] == "Active", function


def _rules(synth: Synthesized) -> dict[str, dict[str, Any]]:
    _, acl = _only(synth, "AWS::WAFv2::WebACL")
    return {rule["Name"]: rule for rule in acl["Rules"]}


def test_a_regional_web_acl_guards_the_api_stage(prod: Synthesized) -> None:
    acl_id, acl = _only(prod, "AWS::WAFv2::WebACL")
    _, association = _only(prod, "AWS::WAFv2::WebACLAssociation")

    assert (acl["Scope"], acl["DefaultAction"]) == ("REGIONAL", {"Allow": {}})
    assert association["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert association["ResourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::"
        "/restapis/${RestAPI}/stages/${RestAPI.Stage}"
    }
    assert [rule["Priority"] for rule in _rules(prod).values()] == [0, 1, 2, 3]


def test_too_many_requests_from_one_ip_get_a_429_in_the_apis_shape(prod: Synthesized) -> None:
    _, acl = _only(prod, "AWS::WAFv2::WebACL")
    rule = _rules(prod)["rate-per-ip"]

    statement = rule["Statement"]["RateBasedStatement"]
    assert (statement["AggregateKeyType"], statement["Limit"]) == ("IP", 6000)
    response = rule["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    assert response["ResponseHeaders"] == [{"Name": "Retry-After", "Value": "60"}]
    body = acl["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    assert body["ContentType"] == "APPLICATION_JSON"
    assert json.loads(body["Content"])["error"]["code"] == "too_many_requests"


def test_aws_managed_common_and_known_bad_input_rules_apply(prod: Synthesized) -> None:
    rules = _rules(prod)

    groups = {
        rule["Statement"]["ManagedRuleGroupStatement"]["Name"]: rule
        for rule in rules.values()
        if "ManagedRuleGroupStatement" in rule["Statement"]
    }
    assert set(groups) == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}
    for rule in groups.values():
        assert rule["OverrideAction"] == {"None": {}}  # the groups' own actions (block) apply


def test_the_common_rule_sets_8_kb_body_limit_gives_way_to_the_apis_own_limits(
    prod: Synthesized,
) -> None:
    _, acl = _only(prod, "AWS::WAFv2::WebACL")
    common = _rules(prod)["aws-common"]["Statement"]["ManagedRuleGroupStatement"]
    body_size = _rules(prod)["body-size"]

    assert common["RuleActionOverrides"] == [
        {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}
    ]
    not_import, size = body_size["Statement"]["AndStatement"]["Statements"]
    assert size["SizeConstraintStatement"]["Size"] == 64 * 1024
    assert size["SizeConstraintStatement"]["ComparisonOperator"] == "GT"
    assert size["SizeConstraintStatement"]["FieldToMatch"] == {
        "Body": {"OversizeHandling": "MATCH"}
    }
    method, path = not_import["NotStatement"]["Statement"]["AndStatement"]["Statements"]
    assert method["ByteMatchStatement"]["SearchString"] == "POST"
    assert path["ByteMatchStatement"]["SearchString"] == "/contacts/import"
    assert path["ByteMatchStatement"]["PositionalConstraint"] == "ENDS_WITH"
    assert body_size["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 413
    # The WAF reads the first 64 KiB of a body, so a larger one counts as oversize.
    assert acl["AssociationConfig"] == {
        "RequestBody": {"API_GATEWAY": {"DefaultSizeInspectionLimit": "KB_64"}}
    }


def test_every_waf_rule_has_metrics_and_samples(prod: Synthesized) -> None:
    for name, rule in _rules(prod).items():
        assert rule["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True, name
        assert rule["VisibilityConfig"]["SampledRequestsEnabled"] is True, name
