"""Cognito holds the users; the authorizer is told the pool's keys, issuer and audience."""

from __future__ import annotations

from typing import Any

import pytest

from .synth import Synthesized


def _only(synth: Synthesized, resource_type: str) -> tuple[str, dict[str, Any]]:
    (logical_id, resource), *others = synth.resources(resource_type).items()
    assert not others, f"expected one {resource_type}"
    return logical_id, resource["Properties"]


def test_the_tenant_is_an_immutable_custom_attribute_only_operators_can_set(
    prod: Synthesized,
) -> None:
    _, pool = _only(prod, "AWS::Cognito::UserPool")

    tenant = next(attribute for attribute in pool["Schema"] if attribute["Name"] == "tenant_id")
    assert tenant["AttributeDataType"] == "String"
    assert tenant["Mutable"] is False
    assert pool["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["UserPoolName"] == "rapport-prod-users"


def test_the_dashboard_client_has_no_secret_and_cannot_write_the_tenant(
    prod: Synthesized,
) -> None:
    pool_id, _ = _only(prod, "AWS::Cognito::UserPool")
    _, client = _only(prod, "AWS::Cognito::UserPoolClient")

    assert client["UserPoolId"] == {"Ref": pool_id}
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlows"] == ["code"]
    assert "custom:tenant_id" in client["ReadAttributes"]
    assert "custom:tenant_id" not in client["WriteAttributes"]


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


def test_coaches_are_a_group_whose_tokens_carry_the_coach_role(prod: Synthesized) -> None:
    pool_id, _ = _only(prod, "AWS::Cognito::UserPool")
    _, group = _only(prod, "AWS::Cognito::UserPoolGroup")

    assert group["UserPoolId"] == {"Ref": pool_id}
    assert group["GroupName"] == "coach"


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
