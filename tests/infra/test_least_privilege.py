"""Each function's role allows exactly what that function does, and never a wildcard action."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from chalicelib.tables import DUE, VIEWS

from .synth import Synthesized

FUNCTION_ROLES = {
    "APIHandler": "ApiHandlerRole",
    "JwtAuth": "JwtAuthRole",
    "ProjectEvents": "ProjectEventsRole",
    "SendReminders": "SendRemindersRole",
    "ReceiveEmail": "ReceiveEmailRole",
    "CognitoPreSignUp": "CognitoPreSignUpRole",
    "CognitoPostConfirmation": "CognitoPostConfirmationRole",
    "EraseOffboarded": "EraseOffboardedRole",
}
# The custom resource that makes the inbound receipt rule set SES's active one.
ACTIVATOR_ROLE = "InboundActivatorRoleFC41AA41"
ALL_ROLES = (*FUNCTION_ROLES.values(), ACTIVATOR_ROLE)
READ = {"dynamodb:GetItem", "dynamodb:Query"}
WRITE = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
}
LOGS = {"logs:CreateLogStream", "logs:PutLogEvents"}
# What the projector's code does to the views table (views and dashboards read in batches),
# in the projector, the erasure job, and the API's erasure of a contact.
PROJECTING = READ | {"dynamodb:BatchGetItem"} | WRITE
# Every function sends its X-Ray traces (active tracing); the actions have no resource type.
TRACES = {("xray:PutTraceSegments", "*"), ("xray:PutTelemetryRecords", "*")}
# Secrets are read once per cold start: BatchGetSecretValue (no resource type), which returns
# only the secrets the role may GetSecretValue.
BATCH_SECRETS = {("secretsmanager:BatchGetSecretValue", "*")}
# Invitations and members: `T#{tenant}#TENANCY` partitions of the events table, and only those.
TENANCY_ONLY = "{events.Arn} where ForAllValues:StringLike dynamodb:LeadingKeys = T#*#TENANCY"


def _labels(synth: Synthesized) -> dict[str, str]:
    """Readable names for the logical ids a policy can point at."""
    labels = {}
    for logical_id, resource in synth.json["Resources"].items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::DynamoDB::Table":
            labels[logical_id] = props["TableName"].rsplit("-", 1)[1]
        elif resource["Type"] == "AWS::Logs::LogGroup":
            labels[logical_id] = "log:" + props["LogGroupName"].rsplit("-", 1)[1]
        elif resource["Type"] == "AWS::SQS::Queue":
            labels[logical_id] = "queue:" + props["QueueName"].split("-", 2)[2]
        elif resource["Type"] == "AWS::SES::EmailIdentity":
            # The sender's identity sends through the configuration set; the inbound one not.
            sends = "ConfigurationSetAttributes" in props
            labels[logical_id] = "sender" if sends else "identity:" + props["EmailIdentity"]
        elif resource["Type"] == "AWS::SES::ConfigurationSet":
            labels[logical_id] = "configuration-set"
        elif resource["Type"] == "AWS::SecretsManager::Secret":
            labels[logical_id] = "secret:" + props["Name"].rsplit("/", 1)[1]
        elif resource["Type"] == "AWS::Cognito::UserPool":
            labels[logical_id] = "user-pool"
    return labels


def _render_condition(condition: dict[str, Any]) -> str:
    """` where Operator key = value, …`: enough to tell one condition from another."""
    clauses = [
        f"{operator} {key} = {','.join([values] if isinstance(values, str) else values)}"
        for operator, tests in sorted(condition.items())
        for key, values in sorted(tests.items())
    ]
    return " where " + "; ".join(clauses)


def _render(value: Any, labels: dict[str, str]) -> str:
    """A policy resource as a string: intrinsics become `{label}` or `{label.Attribute}`."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return "{" + labels.get(value["Ref"], value["Ref"]) + "}"
    if "Fn::GetAtt" in value:
        logical_id, attribute = value["Fn::GetAtt"]
        return "{" + f"{labels[logical_id]}.{attribute}" + "}"
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_render(part, labels) for part in parts)
    raise AssertionError(f"unexpected intrinsic in a policy: {value}")


def _grants(synth: Synthesized, function: str) -> set[tuple[str, str]]:
    """Every (action, resource) pair the function's role allows."""
    return _role_grants(synth, FUNCTION_ROLES[function])


def _policies(synth: Synthesized, role_id: str) -> list[dict[str, Any]]:
    """The role's own policies, and every AWS::IAM::Policy attached to it."""
    attached = [
        resource["Properties"]
        for resource in synth.resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in resource["Properties"]["Roles"]
    ]
    return [*synth.resource(role_id)["Properties"].get("Policies", []), *attached]


def _role_grants(synth: Synthesized, role_id: str) -> set[tuple[str, str]]:
    """(action, resource) pairs; a statement's condition is appended to its resources."""
    labels = _labels(synth)
    granted = set()
    for policy in _policies(synth, role_id):
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            actions = statement["Action"]
            targets = statement["Resource"]
            condition = (
                _render_condition(statement["Condition"]) if "Condition" in statement else ""
            )
            for action in [actions] if isinstance(actions, str) else actions:
                for target in [targets] if isinstance(targets, (str, dict)) else targets:
                    granted.add((action, _render(target, labels) + condition))
    return granted


def _on(actions: set[str], *targets: str) -> set[tuple[str, str]]:
    return {(action, target) for action in actions for target in targets}


def test_each_function_runs_as_its_own_role(prod: Synthesized) -> None:
    for function, role in FUNCTION_ROLES.items():
        assert prod.resource(function)["Properties"]["Role"] == {"Fn::GetAtt": [role, "Arn"]}


def test_the_api_writes_events_and_projects_an_erasure_but_never_reads_the_due_index(
    prod: Synthesized,
) -> None:
    tenant_indexes = [f"{{views.Arn}}/index/{i.name}" for i in VIEWS.indexes if i is not DUE]
    ses_arn = "arn:{AWS::Partition}:ses:{AWS::Region}:{AWS::AccountId}"

    assert _grants(prod, "APIHandler") == (
        _on(LOGS, "{log:api_handler.Arn}")
        | _on(READ | WRITE, "{events.Arn}")
        # The CSV import's batches, on the events table alone.
        | _on({"dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"}, "{events.Arn}")
        # Queries read the views; DELETE /contacts/{id} projects the erased contact at once,
        # and the tenant dashboard reads its shards' and sharing members' dashboards in batches.
        | _on(PROJECTING, "{views.Arn}")
        | _on(READ, *tenant_indexes)
        | _on({"dynamodb:UpdateItem", "dynamodb:GetItem"}, "{limits.Arn}")
        # The link that confirms a new reminder address, sent as the sender only.
        | _on(
            {"ses:SendEmail", "ses:SendRawEmail"},
            f"{ses_arn}:identity/{{sender}}",
            f"{ses_arn}:configuration-set/{{configuration-set}}",
        )
        | _on(
            {"secretsmanager:GetSecretValue"},
            "{secret:unsubscribe-signing-key}",
            "{secret:cursor-signing-key}",
            "{secret:webhook-secrets-key}",
        )
        | BATCH_SECRETS
        | TRACES
    )


def test_the_authorizer_may_only_read_and_register_members(prod: Synthesized) -> None:
    # It parses whatever callers send: a member record's GetItem and first-sight PutItem, on
    # the tenancy partitions alone, so it can never read or overwrite a contact's events.
    assert _grants(prod, "JwtAuth") == (
        _on(LOGS, "{log:jwt_auth.Arn}")
        | _on({"dynamodb:GetItem", "dynamodb:PutItem"}, TENANCY_ONLY)
        | TRACES
    )


def test_pre_sign_up_may_only_read_an_invitation_and_the_key_that_signs_its_link(
    prod: Synthesized,
) -> None:
    assert _grants(prod, "CognitoPreSignUp") == (
        _on(LOGS, "{log:cognito_pre_sign_up.Arn}")
        | _on({"dynamodb:GetItem"}, TENANCY_ONLY)
        | _on({"secretsmanager:GetSecretValue"}, "{secret:unsubscribe-signing-key}")
        | BATCH_SECRETS
        | TRACES
    )


def test_post_confirmation_records_the_member_and_sets_tenant_and_group_on_this_pool_only(
    prod: Synthesized,
) -> None:
    assert _grants(prod, "CognitoPostConfirmation") == (
        _on(LOGS, "{log:cognito_post_confirmation.Arn}")
        # The invitation marked used and the member recorded, in one transaction.
        | _on({"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}, TENANCY_ONLY)
        | _on({"secretsmanager:GetSecretValue"}, "{secret:unsubscribe-signing-key}")
        | BATCH_SECRETS
        | _on(
            {"cognito-idp:AdminUpdateUserAttributes", "cognito-idp:AdminAddUserToGroup"},
            "{user-pool.Arn}",
        )
        | TRACES
    )


def test_only_post_confirmation_has_a_policy_apart_and_it_names_only_the_pool(
    prod: Synthesized,
) -> None:
    # Apart because the pool names the function as its trigger: in the role it would be a cycle.
    (policy,) = [resource["Properties"] for resource in prod.resources("AWS::IAM::Policy").values()]

    assert policy["Roles"] == [{"Ref": "CognitoPostConfirmationRole"}]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Resource"] == {"Fn::GetAtt": ["UsersPoolBFC35D3B", "Arn"]}


def test_the_erasure_job_erases_as_the_api_does_and_reprojects_as_the_projector_does(
    prod: Synthesized,
) -> None:
    ses_arn = "arn:{AWS::Partition}:ses:{AWS::Region}:{AWS::AccountId}"
    assert _grants(prod, "EraseOffboarded") == (
        _on(LOGS, "{log:erase_offboarded.Arn}")
        # Its due index (one Query), the members' contacts redacted, deleted and marked erased.
        | _on(
            READ | {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"},
            "{events.Arn}",
        )
        | _on(PROJECTING, "{views.Arn}")
        # The exports a removal could not send, as the sender only; no secret.
        | _on(
            {"ses:SendEmail", "ses:SendRawEmail"},
            f"{ses_arn}:identity/{{sender}}",
            f"{ses_arn}:configuration-set/{{configuration-set}}",
        )
        | TRACES
    )


def test_the_projector_reads_the_stream_and_events_and_writes_views(prod: Synthesized) -> None:
    assert _grants(prod, "ProjectEvents") == (
        _on(LOGS, "{log:project_events.Arn}")
        | _on(
            {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"},
            "{events.StreamArn}",
        )
        | _on({"dynamodb:ListStreams"}, "*")
        | _on(READ, "{events.Arn}")
        | _on(PROJECTING, "{views.Arn}")
        | _on({"sqs:SendMessage"}, "{queue:projector-failures.Arn}")
        | TRACES
    )


def test_the_sweep_queries_only_the_due_index_and_sends_only_as_the_sender(
    prod: Synthesized,
) -> None:
    ses_arn = "arn:{AWS::Partition}:ses:{AWS::Region}:{AWS::AccountId}"

    assert _grants(prod, "SendReminders") == (
        _on(LOGS, "{log:send_reminders.Arn}")
        | _on({"dynamodb:Query"}, f"{{views.Arn}}/index/{DUE.name}")
        | _on(READ | WRITE, "{views.Arn}")
        | _on(READ | {"dynamodb:PutItem", "dynamodb:ConditionCheckItem"}, "{events.Arn}")
        | _on(
            {"ses:SendEmail", "ses:SendRawEmail"},
            f"{ses_arn}:identity/{{sender}}",
            f"{ses_arn}:configuration-set/{{configuration-set}}",
        )
        | _on({"secretsmanager:GetSecretValue"}, "{secret:unsubscribe-signing-key}")
        | BATCH_SECRETS
        | TRACES
    )


def test_the_receiver_reads_only_stored_mail_records_steps_and_answers_as_the_sender(
    prod: Synthesized,
) -> None:
    tenant_indexes = [f"{{views.Arn}}/index/{i.name}" for i in VIEWS.indexes if i is not DUE]
    ses_arn = "arn:{AWS::Partition}:ses:{AWS::Region}:{AWS::AccountId}"
    # By the bucket's fixed name: the bucket's notification names the function (inbound.py).
    bucket = "arn:{AWS::Partition}:s3:::rapport-prod-inbound-{AWS::AccountId}-{AWS::Region}"

    assert _grants(prod, "ReceiveEmail") == (
        _on(LOGS, "{log:receive_email.Arn}")
        # Each message read, and deleted once handled (a failure's stays for the replay).
        | _on({"s3:GetObject", "s3:DeleteObject"}, f"{bucket}/inbound/*")
        # Steps and settings as the API records them, and its ledger; no import batches.
        | _on(READ | WRITE, "{events.Arn}")
        # The sender's contacts, found through their list views (as the API reads them).
        | _on(READ, "{views.Arn}", *tenant_indexes)
        | _on(
            {"ses:SendEmail", "ses:SendRawEmail"},
            f"{ses_arn}:identity/{{sender}}",
            f"{ses_arn}:configuration-set/{{configuration-set}}",
        )
        | _on({"secretsmanager:GetSecretValue"}, "{secret:unsubscribe-signing-key}")
        | BATCH_SECRETS
        | _on({"sqs:SendMessage"}, "{queue:inbound-failures.Arn}")
        | TRACES
    )


def test_the_rule_set_activator_may_only_read_and_set_the_active_rule_set(
    prod: Synthesized,
) -> None:
    # Neither SES action has a resource type.
    assert _role_grants(prod, ACTIVATOR_ROLE) == (
        _on(LOGS, "{log:activate_inbound.Arn}")
        | _on({"ses:DescribeActiveReceiptRuleSet", "ses:SetActiveReceiptRuleSet"}, "*")
        | TRACES
    )


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_no_statement_anywhere_allows_a_wildcard_action(
    synthesized: dict[str, Synthesized], stage: str
) -> None:
    for role in ALL_ROLES:
        for action, _ in _role_grants(synthesized[stage], role):
            assert "*" not in action, f"{role} is allowed {action}"


def test_every_granted_action_exists_in_iam(prod: Synthesized) -> None:
    # cfn-lint skips its own action check (W3037) on SAM templates, so ask its IAM data here.
    known = json.loads(
        resources.files("cfnlint.data.AdditionalSpecs").joinpath("Policies.json").read_text()
    )
    for role in ALL_ROLES:
        for action, _ in _role_grants(prod, role):
            service, name = action.split(":")
            assert name.lower() in known[service]["Actions"], f"{action} is not an IAM action"
