"""Cognito holds the users, who join a tenant only by invitation; the authorizer is told the
pool's keys, issuer and audience."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.auth.identity import ADMIN_ROLE, COACH_ROLE

from .synth import TRIGGERS, Synthesized


def _only(synth: Synthesized, resource_type: str) -> tuple[str, dict[str, Any]]:
    (logical_id, resource), *others = synth.resources(resource_type).items()
    assert not others, f"expected one {resource_type}"
    return logical_id, resource["Properties"]


def _attribute(pool: dict[str, Any], name: str) -> dict[str, Any]:
    (attribute,) = [attribute for attribute in pool["Schema"] if attribute["Name"] == name]
    return attribute


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_the_operators_tenant_is_an_immutable_custom_attribute_left_as_it_was(
    synthesized: dict[str, Synthesized], stage: str
) -> None:
    _, pool = _only(synthesized[stage], "AWS::Cognito::UserPool")

    # Cognito refuses any change to an existing custom attribute: this must stay exactly so.
    assert _attribute(pool, "tenant_id") == {
        "Name": "tenant_id",
        "AttributeDataType": "String",
        "Mutable": False,
        "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"},
    }
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["UserPoolName"] == f"rapport-{stage}-users"


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_an_invited_members_tenant_is_a_mutable_custom_attribute_for_post_confirmation_to_set(
    synthesized: dict[str, Synthesized], stage: str
) -> None:
    _, pool = _only(synthesized[stage], "AWS::Cognito::UserPool")

    # Immutable `tenant_id` can be set at creation only; PostConfirmation runs after it.
    assert _attribute(pool, "member_tenant") == {
        "Name": "member_tenant",
        "AttributeDataType": "String",
        "Mutable": True,
        "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "128"},
    }
    # Added alongside, nothing else: a pool may gain a custom attribute, never lose one.
    assert sorted(a["Name"] for a in pool["Schema"]) == ["email", "member_tenant", "tenant_id"]


def test_the_attribute_the_trigger_sets_is_the_one_the_pool_has(prod: Synthesized) -> None:
    from chalicelib.adapters.cognito_directory import TENANT_ATTRIBUTE as SET_BY_TRIGGER

    _, pool = _only(prod, "AWS::Cognito::UserPool")

    # AdminUpdateUserAttributes on an attribute the pool lacks fails every confirmation.
    assert SET_BY_TRIGGER == "custom:member_tenant"
    assert _attribute(pool, SET_BY_TRIGGER.removeprefix("custom:"))["Mutable"] is True


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_people_sign_up_themselves_and_prove_their_address_with_a_code(
    synthesized: dict[str, Synthesized], stage: str
) -> None:
    _, pool = _only(synthesized[stage], "AWS::Cognito::UserPool")

    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["VerificationMessageTemplate"]["DefaultEmailOption"] == "CONFIRM_WITH_CODE"


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_sign_up_is_gated_by_the_apps_pre_sign_up_and_post_confirmation_triggers(
    synthesized: dict[str, Synthesized], stage: str
) -> None:
    _, pool = _only(synthesized[stage], "AWS::Cognito::UserPool")

    # PreSignUp refuses a sign-up without a valid invitation; PostConfirmation sets the
    # tenant and group from it. No other trigger: nothing else may change a token.
    assert pool["LambdaConfig"] == {
        "PreSignUp": {"Fn::GetAtt": ["CognitoPreSignUp", "Arn"]},
        "PostConfirmation": {"Fn::GetAtt": ["CognitoPostConfirmation", "Arn"]},
    }


def test_cognito_may_invoke_each_trigger_for_this_pool_only(prod: Synthesized) -> None:
    pool_id, _ = _only(prod, "AWS::Cognito::UserPool")
    invocations = [
        resource["Properties"]
        for resource in prod.resources("AWS::Lambda::Permission").values()
        if resource["Properties"]["Principal"] == "cognito-idp.amazonaws.com"
    ]

    assert sorted(p["FunctionName"]["Fn::GetAtt"][0] for p in invocations) == sorted(TRIGGERS)
    for permission in invocations:
        assert permission["Action"] == "lambda:InvokeFunction"
        assert permission["SourceArn"] == {"Fn::GetAtt": [pool_id, "Arn"]}


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_no_trigger_function_or_its_role_references_the_pool_so_there_is_no_cycle(
    synthesized: dict[str, Synthesized], stage: str
) -> None:
    synth = synthesized[stage]
    pool_id, _ = _only(synth, "AWS::Cognito::UserPool")
    (client_id, _) = _only(synth, "AWS::Cognito::UserPoolClient")

    for function in TRIGGERS:
        resource = synth.resource(function)
        role = synth.resource(resource["Properties"]["Role"]["Fn::GetAtt"][0])
        referenced = json.dumps([resource, role])
        assert f'"{pool_id}"' not in referenced, function
        assert f'"{client_id}"' not in referenced, function
        assert not {"AUTH_ISSUER", "AUTH_JWKS_URL", "AUTH_AUDIENCE"} & set(
            resource["Properties"]["Environment"]["Variables"]
        )


def test_the_dashboard_client_has_no_secret_and_no_one_signing_up_can_choose_a_tenant(
    prod: Synthesized,
) -> None:
    pool_id, _ = _only(prod, "AWS::Cognito::UserPool")
    _, client = _only(prod, "AWS::Cognito::UserPoolClient")

    assert client["UserPoolId"] == {"Ref": pool_id}
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlows"] == ["code"]
    # Either tenant reaches the ID token only if the client may read it.
    assert {"custom:tenant_id", "custom:member_tenant"} <= set(client["ReadAttributes"])
    # Cognito refuses a sign-up or UpdateUserAttributes that sends an attribute its client may
    # not write: neither tenant is writable, so no one chooses their own.
    assert client["WriteAttributes"] == ["email"]


def test_the_hosted_ui_has_a_stage_specific_domain(prod: Synthesized) -> None:
    pool_id, _ = _only(prod, "AWS::Cognito::UserPool")
    _, domain = _only(prod, "AWS::Cognito::UserPoolDomain")

    assert domain["UserPoolId"] == {"Ref": pool_id}
    assert domain["Domain"] == {"Fn::Join": ["", ["rapport-prod-auth-", {"Ref": "AWS::AccountId"}]]}


def test_the_authorizer_and_api_verify_tokens_against_this_pool_and_client(
    prod: Synthesized,
) -> None:
    pool_id, _ = _only(prod, "AWS::Cognito::UserPool")
    client_id, _ = _only(prod, "AWS::Cognito::UserPoolClient")
    issuer = ["https://", {"Fn::GetAtt": [pool_id, "ProviderURL"]}]

    for function in ("JwtAuth", "APIHandler"):
        env = prod.resource(function)["Properties"]["Environment"]["Variables"]
        assert env["AUTH_ISSUER"] == {"Fn::Join": ["", issuer]}
        assert env["AUTH_JWKS_URL"] == {"Fn::Join": ["", [*issuer, "/.well-known/jwks.json"]]}
        assert env["AUTH_AUDIENCE"] == {"Ref": client_id}
        assert "AUTH_JWT_SECRET" not in env


def test_only_prod_protects_its_users_from_deletion(prod: Synthesized, dev: Synthesized) -> None:
    _, prod_pool = _only(prod, "AWS::Cognito::UserPool")
    _, dev_pool = _only(dev, "AWS::Cognito::UserPool")

    assert prod_pool["DeletionProtection"] == "ACTIVE"
    assert dev_pool.get("DeletionProtection", "INACTIVE") == "INACTIVE"


def test_coaches_and_admins_are_groups_whose_tokens_carry_their_role(prod: Synthesized) -> None:
    pool_id, _ = _only(prod, "AWS::Cognito::UserPool")
    groups = {
        resource["Properties"]["GroupName"]: resource["Properties"]
        for resource in prod.resources("AWS::Cognito::UserPoolGroup").values()
    }

    # Everyone is a student: no group says so.
    assert set(groups) == {COACH_ROLE, ADMIN_ROLE} == {"coach", "admin"}
    for group in groups.values():
        assert group["UserPoolId"] == {"Ref": pool_id}


def test_the_coach_group_keeps_its_logical_id_and_with_it_its_members(prod: Synthesized) -> None:
    # A new logical id would replace the group: every coach would lose the role.
    (coaches,) = [
        logical_id
        for logical_id, resource in prod.resources("AWS::Cognito::UserPoolGroup").items()
        if resource["Properties"]["GroupName"] == "coach"
    ]
    assert coaches == "UsersCoachesF5BC0DE1"


def test_mfa_is_optional_for_everyone_and_by_authenticator_app_only(prod: Synthesized) -> None:
    _, pool = _only(prod, "AWS::Cognito::UserPool")

    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]  # no SMS to pay for, or to hijack


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_the_authorizer_requires_mfa_of_coaches(
    synthesized: dict[str, Synthesized], stage: str
) -> None:
    # MFA is pool-wide in Cognito; chalicelib/auth/mfa.py refuses coach tokens without `amr`.
    env = synthesized[stage].resource("JwtAuth")["Properties"]["Environment"]["Variables"]

    assert env["COACH_MFA_REQUIRED"] == "true"


def test_prod_blocks_leaked_passwords_and_challenges_risky_sign_ins(prod: Synthesized) -> None:
    pool_id, pool = _only(prod, "AWS::Cognito::UserPool")
    _, risk = _only(prod, "AWS::Cognito::UserPoolRiskConfigurationAttachment")

    assert pool["UserPoolTier"] == "PLUS"
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    assert (risk["UserPoolId"], risk["ClientId"]) == ({"Ref": pool_id}, "ALL")
    leaked = risk["CompromisedCredentialsRiskConfiguration"]
    assert leaked["Actions"] == {"EventAction": "BLOCK"}
    assert set(leaked["EventFilter"]) == {"SIGN_IN", "PASSWORD_CHANGE"}
    actions = risk["AccountTakeoverRiskConfiguration"]["Actions"]
    assert actions["MediumAction"]["EventAction"] == "MFA_IF_CONFIGURED"
    assert actions["HighAction"]["EventAction"] == "MFA_REQUIRED"


def test_dev_has_no_threat_protection_to_pay_for_but_tokens_that_report_mfa(
    dev: Synthesized,
) -> None:
    _, pool = _only(dev, "AWS::Cognito::UserPool")

    assert pool["UserPoolTier"] == "ESSENTIALS"  # `amr` and step-up need Essentials or Plus
    assert "UserPoolAddOns" not in pool
    assert dev.resources("AWS::Cognito::UserPoolRiskConfigurationAttachment") == {}


def test_signed_in_users_may_enroll_their_own_authenticator_app(prod: Synthesized) -> None:
    _, client = _only(prod, "AWS::Cognito::UserPoolClient")

    assert "aws.cognito.signin.user.admin" in client["AllowedOAuthScopes"]
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
