"""The Cognito user pool, as the PostConfirmation trigger places a new member in it."""

from __future__ import annotations

from typing import Any

# Not `custom:tenant_id`: that one is immutable, so only an operator's AdminCreateUser can set
# it. A member who joined gets this one, which the app client cannot write (only admin calls
# can), and the verifier reads either (chalicelib/auth/verifier.py).
TENANT_ATTRIBUTE = "custom:member_tenant"


class CognitoDirectory:
    def __init__(self, client: Any) -> None:
        self._client = client

    def place(self, user_pool_id: str, username: str, tenant_id: str, group: str | None) -> None:
        """Both calls set a value, so a retried trigger repeats them harmlessly."""
        self._client.admin_update_user_attributes(
            UserPoolId=user_pool_id,
            Username=username,
            UserAttributes=[{"Name": TENANT_ATTRIBUTE, "Value": tenant_id}],
        )
        if group is not None:
            self._client.admin_add_user_to_group(
                UserPoolId=user_pool_id, Username=username, GroupName=group
            )
