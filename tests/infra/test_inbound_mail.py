"""Email as an interface: SES receives for the inbound domain, stores each message in a private
bucket under `inbound/`, and the new object invokes ReceiveEmail, which retries and then parks
what it could not handle."""

from __future__ import annotations

import io
import json
import sys
import types
from typing import Any

import pytest

from .synth import Synthesized

INBOUND_DOMAIN = "in.rapport.example"  # the default: `in.` + the sender domain
RULE_SET = "rapport-prod-inbound"
RULE = "rapport-prod-inbound-to-s3"
ACTIVATOR = "InboundActivator9D547BB6"
BUCKET_NAME = {
    "Fn::Join": [
        "",
        ["rapport-prod-inbound-", {"Ref": "AWS::AccountId"}, "-", {"Ref": "AWS::Region"}],
    ]
}
BUCKET_ARN = {
    "Fn::Join": [
        "",
        [
            "arn:",
            {"Ref": "AWS::Partition"},
            ":s3:::rapport-prod-inbound-",
            {"Ref": "AWS::AccountId"},
            "-",
            {"Ref": "AWS::Region"},
        ],
    ]
}


def _only(synth: Synthesized, resource_type: str) -> tuple[str, dict[str, Any]]:
    (logical_id, resource), *others = synth.resources(resource_type).items()
    assert not others, f"expected one {resource_type}"
    return logical_id, resource


def _bucket(synth: Synthesized) -> tuple[str, dict[str, Any]]:
    return _only(synth, "AWS::S3::Bucket")


def _queue(synth: Synthesized, name: str) -> str:
    (logical_id,) = [
        logical_id
        for logical_id, resource in synth.resources("AWS::SQS::Queue").items()
        if resource["Properties"]["QueueName"] == name
    ]
    return logical_id


def _env(synth: Synthesized, function: str) -> dict[str, Any]:
    return synth.resource(function)["Properties"]["Environment"]["Variables"]


def test_one_rule_set_with_one_rule_stores_the_inbound_domain_s_mail_in_the_bucket(
    prod: Synthesized,
) -> None:
    rule_set_id, rule_set = _only(prod, "AWS::SES::ReceiptRuleSet")
    _, rule = _only(prod, "AWS::SES::ReceiptRule")
    bucket_id, _ = _bucket(prod)
    policy_id, _ = _only(prod, "AWS::S3::BucketPolicy")

    assert rule_set["Properties"] == {"RuleSetName": RULE_SET}
    assert rule["Properties"]["RuleSetName"] == {"Ref": rule_set_id}
    assert rule["Properties"]["Rule"] == {
        "Name": RULE,
        "Recipients": [INBOUND_DOMAIN],
        "Enabled": True,
        # SES's spam and virus verdicts (and SPF, DKIM) go into the stored message's headers.
        "ScanEnabled": True,
        "TlsPolicy": "Require",
        "Actions": [
            {"S3Action": {"BucketName": {"Ref": bucket_id}, "ObjectKeyPrefix": "inbound/"}}
        ],
    }
    # SES checks its permission on the bucket when the rule is created.
    assert policy_id in rule["DependsOn"]


def test_the_bucket_is_private_encrypted_tls_only_and_forgets_mail_after_a_week(
    prod: Synthesized,
) -> None:
    _, bucket = _bucket(prod)
    props = bucket["Properties"]

    assert props["BucketName"] == BUCKET_NAME
    assert props["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        ]
    }
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    assert (rule["Status"], rule["ExpirationInDays"]) == ("Enabled", 7)
    # Every object, whatever its key.
    assert "Prefix" not in rule
    assert "Filter" not in rule
    assert "VersioningConfiguration" not in props


def test_prod_keeps_the_bucket_dev_deletes_it(prod: Synthesized, dev: Synthesized) -> None:
    assert _bucket(prod)[1]["DeletionPolicy"] == "Retain"
    assert _bucket(dev)[1]["DeletionPolicy"] == "Delete"


def test_only_ses_for_this_rule_and_account_may_put_objects_and_only_under_inbound(
    prod: Synthesized,
) -> None:
    bucket_id, _ = _bucket(prod)
    _, policy = _only(prod, "AWS::S3::BucketPolicy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    (tls,) = [s for s in statements if s["Effect"] == "Deny"]
    (ses,) = [s for s in statements if s["Effect"] == "Allow"]

    assert len(statements) == 2
    assert policy["Properties"]["Bucket"] == {"Ref": bucket_id}
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert (tls["Principal"], tls["Action"]) == ({"AWS": "*"}, "s3:*")
    assert ses["Principal"] == {"Service": "ses.amazonaws.com"}
    assert ses["Action"] == "s3:PutObject"
    assert ses["Resource"] == {"Fn::Join": ["", [*BUCKET_ARN["Fn::Join"][1], "/inbound/*"]]}
    assert ses["Condition"] == {
        "StringEquals": {
            "aws:SourceAccount": {"Ref": "AWS::AccountId"},
            "aws:SourceArn": {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        ":ses:",
                        {"Ref": "AWS::Region"},
                        ":",
                        {"Ref": "AWS::AccountId"},
                        f":receipt-rule-set/{RULE_SET}:receipt-rule/{RULE}",
                    ],
                ]
            },
        }
    }


def test_a_new_object_under_inbound_invokes_receive_email_which_only_s3_for_the_bucket_may(
    prod: Synthesized,
) -> None:
    _, bucket = _bucket(prod)
    ((permission_id, permission),) = [
        (logical_id, resource)
        for logical_id, resource in prod.resources("AWS::Lambda::Permission").items()
        if resource["Properties"]["Principal"] == "s3.amazonaws.com"
    ]

    assert bucket["Properties"]["NotificationConfiguration"] == {
        "LambdaConfigurations": [
            {
                "Event": "s3:ObjectCreated:*",
                "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "inbound/"}]}},
                "Function": {"Fn::GetAtt": ["ReceiveEmail", "Arn"]},
            }
        ]
    }
    # S3 checks that it may invoke the function when the notification is configured.
    assert bucket["DependsOn"] == [permission_id]
    assert permission["Properties"] == {
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Fn::GetAtt": ["ReceiveEmail", "Arn"]},
        "Principal": "s3.amazonaws.com",
        "SourceAccount": {"Ref": "AWS::AccountId"},
        "SourceArn": BUCKET_ARN,
    }


def test_chalice_generates_no_event_of_its_own_for_the_s3_trigger(prod: Synthesized) -> None:
    props = prod.resource("ReceiveEmail")["Properties"]

    assert "Events" not in props
    assert props["Handler"] == "app.receive_email"
    assert (props["Timeout"], props["MemorySize"]) == (60, 256)
    assert props["FunctionName"] == "rapport-prod-receive_email"


def test_receive_email_is_told_the_domain_the_bucket_and_to_require_ses_verdicts(
    prod: Synthesized,
) -> None:
    env = _env(prod, "ReceiveEmail")
    secret = next(
        logical_id
        for logical_id, resource in prod.resources("AWS::SecretsManager::Secret").items()
        if resource["Properties"]["Name"] == "rapport/prod/unsubscribe-signing-key"
    )

    assert set(env) == {
        "STAGE",
        "EVENTS_TABLE",
        "VIEWS_TABLE",
        "EVENTS_STREAM_ARN",
        "AUTH_JWKS_URL",
        "AUTH_ISSUER",
        "AUTH_AUDIENCE",
        "REMINDER_FROM",
        "SES_CONFIGURATION_SET",
        "DUE_SHARDS",
        "APP_BASE_URL",
        "UNSUBSCRIBE_SECRET_ARN",
        "INBOUND_DOMAIN",
        "INBOUND_BUCKET",
        "INBOUND_REQUIRE_SES_VERDICTS",
    }
    assert env["INBOUND_DOMAIN"] == INBOUND_DOMAIN
    # The bucket's own name, spelt out: a reference would close a cycle through its
    # notification.
    assert env["INBOUND_BUCKET"] == BUCKET_NAME == _bucket(prod)[1]["Properties"]["BucketName"]
    assert env["INBOUND_REQUIRE_SES_VERDICTS"] == "true"
    assert env["UNSUBSCRIBE_SECRET_ARN"] == {"Ref": secret}
    assert env["APP_BASE_URL"] == prod.json["Outputs"]["ApiUrl"]["Value"]


def test_the_api_and_the_sweep_know_the_inbound_domain_the_others_do_not(
    prod: Synthesized,
) -> None:
    for function in ("APIHandler", "SendReminders", "ReceiveEmail"):
        assert _env(prod, function)["INBOUND_DOMAIN"] == INBOUND_DOMAIN, function
    for function in ("JwtAuth", "ProjectEvents"):
        assert "INBOUND_DOMAIN" not in _env(prod, function), function
    assert [f for f in ("APIHandler", "SendReminders") if "INBOUND_BUCKET" in _env(prod, f)] == []


def test_a_failed_event_is_retried_twice_then_parked_in_an_encrypted_queue(
    prod: Synthesized,
) -> None:
    queue_id = _queue(prod, "rapport-prod-inbound-failures")
    _, config = _only(prod, "AWS::Lambda::EventInvokeConfig")
    queue = prod.resource(queue_id)["Properties"]
    (queue_policy,) = [
        resource["Properties"]
        for resource in prod.resources("AWS::SQS::QueuePolicy").values()
        if resource["Properties"]["Queues"] == [{"Ref": queue_id}]
    ]

    assert config["Properties"] == {
        "FunctionName": {"Ref": "ReceiveEmail"},
        "Qualifier": "$LATEST",
        "MaximumRetryAttempts": 2,
        "MaximumEventAgeInSeconds": 6 * 3600,
        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [queue_id, "Arn"]}}},
    }
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert queue["SqsManagedSseEnabled"] is True
    (deny,) = queue_policy["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Condition"]) == (
        "Deny",
        {"Bool": {"aws:SecureTransport": "false"}},
    )


def test_the_stack_outputs_the_mx_record_and_the_inbound_domain_s_dkim_records(
    prod: Synthesized,
) -> None:
    outputs = prod.json["Outputs"]
    ((identity_id, identity),) = [
        (logical_id, resource)
        for logical_id, resource in prod.resources("AWS::SES::EmailIdentity").items()
        if resource["Properties"]["EmailIdentity"] == INBOUND_DOMAIN
    ]

    assert outputs["InboundMxRecord"]["Value"] == {
        "Fn::Join": [
            "",
            [f"{INBOUND_DOMAIN} MX 10 inbound-smtp.", {"Ref": "AWS::Region"}, ".amazonaws.com"],
        ]
    }
    # Receiving needs a verified domain; it sends nothing, so no configuration set.
    assert "ConfigurationSetAttributes" not in identity["Properties"]
    for n in (1, 2, 3):
        parts = outputs[f"InboundDkimCname{n}"]["Value"]["Fn::Join"][1]
        assert parts == [
            {"Fn::GetAtt": [identity_id, f"DkimDNSTokenName{n}"]},
            " CNAME ",
            {"Fn::GetAtt": [identity_id, f"DkimDNSTokenValue{n}"]},
        ]
    assert outputs["InboundBucketName"]["Value"] == {"Ref": _bucket(prod)[0]}


def test_a_custom_resource_makes_the_rule_set_the_active_one_once_its_rule_exists(
    prod: Synthesized,
) -> None:
    rule_set_id, _ = _only(prod, "AWS::SES::ReceiptRuleSet")
    rule_id, _ = _only(prod, "AWS::SES::ReceiptRule")
    _, active = _only(prod, "Custom::SesActiveReceiptRuleSet")
    function = prod.resource(ACTIVATOR)["Properties"]

    assert active["Properties"] == {
        "ServiceToken": {"Fn::GetAtt": [ACTIVATOR, "Arn"]},
        "RuleSetName": {"Ref": rule_set_id},
    }
    # Activated after the rule is created, deactivated before it is deleted.
    assert active["DependsOn"] == [rule_id]
    assert function["Runtime"].startswith("python3.")
    assert function["TracingConfig"] == {"Mode": "Active"}
    assert "ZipFile" in function["Code"]


# --- the activator's code, run against a fake SES ----------------------------------------------


class _FakeSes:
    def __init__(self, active: str | None, fail: bool = False) -> None:
        self.active = active
        self.fail = fail
        self.calls: list[tuple[str, dict[str, str]]] = []

    def describe_active_receipt_rule_set(self) -> dict[str, Any]:
        if self.fail:
            raise RuntimeError("AccessDenied")
        return {"Metadata": {"Name": self.active}} if self.active else {}

    def set_active_receipt_rule_set(self, **kwargs: str) -> None:
        self.calls.append(("set_active_receipt_rule_set", kwargs))
        self.active = kwargs.get("RuleSetName")


def _run_activator(
    monkeypatch: pytest.MonkeyPatch, ses: _FakeSes, request_type: str
) -> dict[str, Any]:
    from rapport_infra.inbound import ACTIVATOR_CODE

    fake_boto3 = types.ModuleType("boto3")
    fake_boto3.client = lambda service: ses  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "boto3", fake_boto3)
    sent: list[Any] = []

    def urlopen(request: Any, timeout: float) -> io.BytesIO:
        sent.append(request)
        return io.BytesIO()

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    namespace: dict[str, Any] = {}
    exec(compile(ACTIVATOR_CODE, "index.py", "exec"), namespace)
    event = {
        "RequestType": request_type,
        "ResourceProperties": {"RuleSetName": RULE_SET},
        "PhysicalResourceId": RULE_SET,
        "ResponseURL": "https://cloudformation-custom-resource-response.example/signed",
        "StackId": "stack",
        "RequestId": "request",
        "LogicalResourceId": "InboundActiveRuleSet",
    }
    if request_type == "Create":
        del event["PhysicalResourceId"]
    namespace["handler"](event, None)
    (request,) = sent
    assert request.get_method() == "PUT"
    assert request.full_url == event["ResponseURL"]
    response: dict[str, Any] = json.loads(request.data)
    return response


@pytest.mark.parametrize("was_active", [None, "someone-elses-rules"])
def test_the_activator_makes_this_stage_s_set_active(
    monkeypatch: pytest.MonkeyPatch, was_active: str | None
) -> None:
    ses = _FakeSes(active=was_active)

    response = _run_activator(monkeypatch, ses, "Create")

    assert ses.calls == [("set_active_receipt_rule_set", {"RuleSetName": RULE_SET})]
    assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", RULE_SET)
    assert response["Data"] == {"PreviouslyActive": was_active or ""}


def test_the_activator_leaves_an_already_active_set_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ses = _FakeSes(active=RULE_SET)

    assert _run_activator(monkeypatch, ses, "Update")["Status"] == "SUCCESS"
    assert ses.calls == []


def test_on_deletion_the_activator_deactivates_the_set_only_if_it_is_still_the_active_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ours, theirs = _FakeSes(active=RULE_SET), _FakeSes(active="another-stage-inbound")

    assert _run_activator(monkeypatch, ours, "Delete")["Status"] == "SUCCESS"
    assert _run_activator(monkeypatch, theirs, "Delete")["Status"] == "SUCCESS"

    assert ours.calls == [("set_active_receipt_rule_set", {})]
    assert theirs.calls == []
    assert theirs.active == "another-stage-inbound"


def test_an_activator_error_fails_the_deploy_with_its_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    response = _run_activator(monkeypatch, _FakeSes(active=None, fail=True), "Create")

    assert response["Status"] == "FAILED"
    assert "AccessDenied" in response["Reason"]


# --- without a synthesis of the whole stack --------------------------------------------------


def test_an_inbound_domain_that_is_the_sender_domain_needs_no_second_identity() -> None:
    from aws_cdk import App, Stack
    from aws_cdk.assertions import Template
    from rapport_infra.inbound import InboundMail
    from rapport_infra.stage import StageConfig

    stack = Stack(App(), "dev")
    config = StageConfig(
        stage="dev", reminder_from="reminders@rapport.example", inbound_domain="rapport.example"
    )
    InboundMail(stack, "Inbound", config=config)
    template = Template.from_stack(stack)

    template.resource_count_is("AWS::SES::EmailIdentity", 0)
    template.has_resource_properties(
        "AWS::SES::ReceiptRule", {"Rule": {"Recipients": ["rapport.example"]}}
    )
