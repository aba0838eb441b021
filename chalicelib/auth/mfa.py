"""Coaches must have signed in with MFA; students may.

Cognito's MFA setting is pool-wide, so the pool makes MFA optional (TOTP) for everyone and the
authorizer demands it of the roles that read more than their own data: a token that grants the
coach role is refused unless its `amr` claim (the authentication methods Cognito reports,
RFC 8176) says `mfa`. A coach signing in without their second factor gets a 401 that says why,
not a quietly smaller role. See infra/README.md ("Users and tenants") for enrolling a coach.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.auth.identity import ADMIN_ROLE, COACH_ROLE, AuthError
from chalicelib.auth.verifier import TokenVerifier, VerifiedToken

# Both read more than their own data; admins also offboard members.
MFA_ROLES = frozenset({COACH_ROLE, ADMIN_ROLE})
MFA_METHOD = "mfa"


class MfaRequiredError(AuthError):
    reason = "coaches must sign in with MFA"  # admins too: the same words clients already show


def used_mfa(claims: Mapping[str, Any]) -> bool:
    """Whether the token's `amr` lists multi-factor authentication."""
    methods = claims.get("amr")
    return isinstance(methods, list) and MFA_METHOD in methods


class CoachMfaVerifier(TokenVerifier):
    """A TokenVerifier that also refuses tokens granting an MFA role without MFA."""

    def verified(self, token: str) -> VerifiedToken:
        verified = super().verified(token)
        if verified.identity.roles & MFA_ROLES and not used_mfa(verified.claims):
            raise MfaRequiredError
        return verified
