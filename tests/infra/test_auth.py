"""Cognito holds the users; the authorizer is told the pool's keys, issuer and audience."""

from __future__ import annotations

from typing import Any

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
