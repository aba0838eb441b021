"""Roles through the dev stack's own authorizer path (Chalice's local server, real HTTP): the
JSON list the authorizer writes is read back whole, as the test client and API Gateway do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.auth.minting import mint_token
from chalicelib.devstack.stack import DevStack
from tests.devstack.http import call


def _token(stack: DevStack, roles: list[str]) -> str:
    return mint_token(
        stack.settings.auth_jwt_secret or "",
        tenant="roles-tenant",
        user="roles-user",
        email="roles@example.com",
        roles=roles,
        now=datetime.now(UTC),
    )


@pytest.mark.parametrize(
    ("roles", "status"),
    [(["student,coach"], 403), (["coach,student"], 403), (["student", "coach"], 200)],
)
def test_only_the_whole_coach_role_reads_the_tenant_dashboard(
    stack: DevStack, roles: list[str], status: int
) -> None:
    answer, body = call("GET", f"{stack.api_url}/tenant/dashboard", token=_token(stack, roles))

    assert answer == status, body
    if status == 403:
        assert body["error"]["code"] == "forbidden"
