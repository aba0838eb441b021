"""Cognito's sign-up triggers, fed Cognito's own event shapes (fixtures/*.json) through the
Lambda entry points in app.py, against moto's user pool and Rapport's tables."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

import app as rapport
from chalicelib.adapters import aws
from chalicelib.auth.identity import Identity
from chalicelib.bootstrap import Services
from chalicelib.service.cognito_triggers import SignUpRefusedError
from chalicelib.settings import Settings
from chalicelib.tenancy.model import InviteStatus, invite_key
from chalicelib.tenancy.roles import Role
from tests.api.confirmation_mail import emails_to

FIXTURES = Path(__file__).parent / "fixtures"
PASSWORD = "Correct-horse-battery-9"
_LINK = re.compile(r"https?://\S+/join\?token=\S+")


def fixture(name: str, **token: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    metadata = event["request"].get("clientMetadata")
    if metadata is not None and "invite_token" in token:
        metadata["invite_token"] = token["invite_token"]
    return event


@pytest.fixture
def pool(services: Services, settings: Settings) -> dict[str, str]:
    """A user pool shaped like infra's: the two tenant attributes, the coach and admin groups,
    and a user who signed up (unconfirmed), as Cognito holds them when PostConfirmation runs."""
    client = aws.client("cognito-idp", settings)
    pool_id = client.create_user_pool(
        PoolName="rapport-test-users",
        UsernameAttributes=["email"],
        Schema=[
            {"Name": "tenant_id", "AttributeDataType": "String", "Mutable": False},
            {"Name": "member_tenant", "AttributeDataType": "String", "Mutable": True},
        ],
    )["UserPool"]["Id"]
    client_id = client.create_user_pool_client(UserPoolId=pool_id, ClientName="spa")[
        "UserPoolClient"
    ]["ClientId"]
    for group in ("coach", "admin"):
        client.create_group(UserPoolId=pool_id, GroupName=group)
    return {"pool_id": pool_id, "client_id": client_id}


def _invite(services: Services, email: str, role: Role = Role.STUDENT) -> str:
    """An invitation from acme's admin; the token of the link it emailed."""
    admin = Identity(user_id="ana", tenant_id="acme", email="ana@example.com", roles={"admin"})
    services.invitations.invite(admin, [email], role)
    [*_, newest] = [e for e in emails_to(services.settings, email) if _LINK.search(e.text)]
    match = _LINK.search(newest.text)
    assert match is not None
    return parse_qs(urlparse(match.group(0)).query)["token"][0]


def _signed_up(settings: Settings, pool: dict[str, str], email: str) -> str:
    client = aws.client("cognito-idp", settings)
    client.sign_up(
        ClientId=pool["client_id"],
        Username=email,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    return email


def _confirmation(pool: dict[str, str], username: str, token: str, sub: str) -> dict[str, Any]:
    event = fixture("post_confirmation", invite_token=token)
    event["userPoolId"] = pool["pool_id"]
    event["userName"] = username
    event["request"]["userAttributes"]["sub"] = sub
    return event


def test_pre_sign_up_accepts_an_open_invitation_for_that_address(services: Services) -> None:
    token = _invite(services, "lea@example.com")
    event = fixture("pre_sign_up", invite_token=token)

    answered = rapport.cognito_pre_sign_up(copy.deepcopy(event), None)

    assert answered["response"] == {
        "autoConfirmUser": False,
        "autoVerifyEmail": False,
        "autoVerifyPhone": False,
    }


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("no token", "not valid"),
        ("forged", "not valid"),
        ("other address", "another email address"),
        ("revoked", "withdrawn"),
        ("replaced", "newer invitation"),
    ],
)
def test_pre_sign_up_refuses_anything_but_an_open_invitation_for_that_address(
    services: Services, change: str, words: str
) -> None:
    token = _invite(services, "lea@example.com")
    event = fixture("pre_sign_up", invite_token=token)
    if change == "no token":
        del event["request"]["clientMetadata"]
    elif change == "forged":
        event["request"]["clientMetadata"]["invite_token"] = token[:-2] + (
            "AA" if not token.endswith("AA") else "BB"
        )
    elif change == "other address":
        event["request"]["userAttributes"]["email"] = "mallory@example.com"
    elif change == "revoked":
        admin = Identity(user_id="ana", tenant_id="acme", email="a@example.com", roles={"admin"})
        [pending] = services.invitations.pending(admin)
        services.invitations.revoke(admin, pending.invite_id)
    elif change == "replaced":
        _invite(services, "lea@example.com")

    with pytest.raises(SignUpRefusedError, match=words):
        rapport.cognito_pre_sign_up(event, None)


def test_pre_sign_up_lets_operators_create_users_and_refuses_other_providers(
    services: Services,
) -> None:
    created = fixture("pre_sign_up_admin_create_user")
    assert rapport.cognito_pre_sign_up(copy.deepcopy(created), None) == created
    with pytest.raises(SignUpRefusedError, match="invitation"):
        rapport.cognito_pre_sign_up(fixture("pre_sign_up_external_provider"), None)


@pytest.mark.parametrize(("role", "groups"), [(Role.STUDENT, []), (Role.COACH, ["coach"])])
def test_post_confirmation_places_the_member_in_the_invitations_tenant_and_group(
    services: Services, settings: Settings, pool: dict[str, str], role: Role, groups: list[str]
) -> None:
    token = _invite(services, "lea@example.com", role)
    username = _signed_up(settings, pool, "lea@example.com")
    event = _confirmation(pool, username, token, "4a7c2f1e-9b3d-4e5f-8a6b-1c2d3e4f5a6b")

    assert rapport.cognito_post_confirmation(copy.deepcopy(event), None) == event

    client = aws.client("cognito-idp", settings)
    user = client.admin_get_user(UserPoolId=pool["pool_id"], Username=username)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["custom:member_tenant"] == "acme"
    assert "custom:tenant_id" not in attributes
    listed = client.admin_list_groups_for_user(UserPoolId=pool["pool_id"], Username=username)
    assert [g["GroupName"] for g in listed["Groups"]] == groups
    member = services.adapters.tenancy_store.member(
        "acme", event["request"]["userAttributes"]["sub"]
    )
    assert member is not None
    assert member.email == "lea@example.com"
    stored = services.adapters.tenancy_store.invite("acme", invite_key("lea@example.com"))
    assert stored is not None
    assert stored.status is InviteStatus.USED


def test_a_retried_post_confirmation_finishes_and_a_second_user_is_refused(
    services: Services, settings: Settings, pool: dict[str, str]
) -> None:
    token = _invite(services, "lea@example.com")
    username = _signed_up(settings, pool, "lea@example.com")
    event = _confirmation(pool, username, token, "4a7c2f1e-9b3d-4e5f-8a6b-1c2d3e4f5a6b")
    rapport.cognito_post_confirmation(copy.deepcopy(event), None)

    # Cognito retries a trigger that timed out: the same user, the same link, placed again.
    assert rapport.cognito_post_confirmation(copy.deepcopy(event), None) == event
    # Anyone else with the same link is refused: it was used.
    other = _confirmation(pool, username, token, "9f9f9f9f-0000-4000-8000-000000000000")
    with pytest.raises(SignUpRefusedError, match="already been used"):
        rapport.cognito_post_confirmation(other, None)
    assert (
        services.adapters.tenancy_store.member("acme", "9f9f9f9f-0000-4000-8000-000000000000")
        is None
    )


def test_a_confirmed_password_reset_changes_nothing(services: Services) -> None:
    event = fixture("post_confirmation_forgot_password")
    assert rapport.cognito_post_confirmation(copy.deepcopy(event), None) == event
    assert services.adapters.tenancy_store.members("acme") == []
