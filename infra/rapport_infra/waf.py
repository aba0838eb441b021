"""A WAF web ACL in front of the API stage: a rate per client IP, AWS's managed rules, and a
body-size rule that matches the API's own limits.

- `rate-per-ip`: too many requests from one address in 5 minutes → 429 in the API's shape.
- `aws-common`: AWS's core rule set (XSS, LFI, RFI, bad bots, size limits on the URI, query
  and cookies), but its `SizeRestrictions_BODY` only counts: its 8 KB would refuse valid JSON
  bodies, which the API takes up to 64 KiB, and the CSV import, which takes up to 5 MB.
- `aws-known-bad-inputs`: Log4Shell, Java deserialization, `localhost` hosts and the like.
- `body-size`: bodies over 64 KiB → 413, except `POST …/contacts/import` (text/csv). The WAF
  reads at most the first 64 KiB of a body (the web ACL's inspection limit, set below), so the
  import's own 5 MB limit is the app's to enforce, and API Gateway's 10 MB beyond it.
"""

from __future__ import annotations

import json

from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from rapport_infra.stage import StageConfig

JSON_BODY_LIMIT = 64 * 1024
IMPORT_PATH_SUFFIX = "/contacts/import"
# WAF rate-based rules count over a sliding window; how long a client should wait is a hint.
RATE_WINDOW_SECONDS = 300
RATE_RETRY_AFTER_SECONDS = 60
_BODIES = {
    "too-many-requests": ("too_many_requests", "too many requests from your address; retry later"),
    "payload-too-large": ("payload_too_large", "the body is too large"),
}


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def _block(status: int, body: str, headers: dict[str, str] | None = None) -> dict[str, object]:
    response: dict[str, object] = {"ResponseCode": status, "CustomResponseBodyKey": body}
    if headers:
        response["ResponseHeaders"] = [{"Name": k, "Value": v} for k, v in headers.items()]
    return {"Block": {"CustomResponse": response}}


def _managed(name: str, priority: int, *, counted: tuple[str, ...] = ()) -> dict[str, object]:
    group: dict[str, object] = {"VendorName": "AWS", "Name": name}
    if counted:
        group["RuleActionOverrides"] = [
            {"Name": rule, "ActionToUse": {"Count": {}}} for rule in counted
        ]
    return {
        "Name": f"aws-{name.removeprefix('AWSManagedRules').removesuffix('RuleSet').lower()}",
        "Priority": priority,
        "Statement": {"ManagedRuleGroupStatement": group},
        "OverrideAction": {"None": {}},
    }


def _is_import() -> dict[str, object]:
    def matches(field: dict[str, object], text: str, where: str) -> dict[str, object]:
        return {
            "ByteMatchStatement": {
                "FieldToMatch": field,
                "PositionalConstraint": where,
                "SearchString": text,
                "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
            }
        }

    return {
        "AndStatement": {
            "Statements": [
                matches({"Method": {}}, "POST", "EXACTLY"),
                matches({"UriPath": {}}, IMPORT_PATH_SUFFIX, "ENDS_WITH"),
            ]
        }
    }


def _rules(config: StageConfig) -> list[dict[str, object]]:
    rate_per_ip = {
        "Name": "rate-per-ip",
        "Priority": 0,
        "Statement": {
            "RateBasedStatement": {
                "Limit": config.ip_rate_limit,
                "EvaluationWindowSec": RATE_WINDOW_SECONDS,
                "AggregateKeyType": "IP",
            }
        },
        "Action": _block(429, "too-many-requests", {"Retry-After": str(RATE_RETRY_AFTER_SECONDS)}),
    }
    body_size = {
        "Name": "body-size",
        "Priority": 3,
        "Statement": {
            "AndStatement": {
                "Statements": [
                    {"NotStatement": {"Statement": _is_import()}},
                    {
                        "SizeConstraintStatement": {
                            # Past the inspection limit the size is unknown: it is too large.
                            "FieldToMatch": {"Body": {"OversizeHandling": "MATCH"}},
                            "ComparisonOperator": "GT",
                            "Size": JSON_BODY_LIMIT,
                            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                        }
                    },
                ]
            }
        },
        "Action": _block(413, "payload-too-large"),
    }
    rules = [
        rate_per_ip,
        _managed("AWSManagedRulesCommonRuleSet", 1, counted=("SizeRestrictions_BODY",)),
        _managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
        body_size,
    ]
    for rule in rules:
        rule["VisibilityConfig"] = {
            "CloudWatchMetricsEnabled": True,
            "MetricName": f"{config.name('api')}-{rule['Name']}",
            "SampledRequestsEnabled": True,
        }
    return rules


class ApiFirewall(Construct):
    """The web ACL and its association with the API stage (`stage_arn`)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, stage_arn: str
    ) -> None:
        super().__init__(scope, construct_id)
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=config.name("api"),
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility(config.name("api")),
        )
        # The rules as CloudFormation spells them (overrides pass through unchanged).
        self.web_acl.add_property_override("Rules", _rules(config))
        self.web_acl.add_property_override(
            "CustomResponseBodies",
            {
                key: {
                    "ContentType": "APPLICATION_JSON",
                    "Content": json.dumps({"error": {"code": code, "message": message}}),
                }
                for key, (code, message) in _BODIES.items()
            },
        )
        # Read the first 64 KiB of bodies (the default is 16 KiB), so that `body-size` sees
        # every JSON body the API accepts.
        self.web_acl.add_property_override(
            "AssociationConfig",
            {"RequestBody": {"API_GATEWAY": {"DefaultSizeInspectionLimit": "KB_64"}}},
        )
        self.association = wafv2.CfnWebACLAssociation(
            self, "Association", resource_arn=stage_arn, web_acl_arn=self.web_acl.attr_arn
        )
