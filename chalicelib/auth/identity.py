"""Who is calling: the identity a verified token proves, or the reason it proves none."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.domain.types import is_email

# Roles (token claim `roles`; deployed, the user's Cognito groups). Everyone is a student, so a
# token need not say so; coaches follow their cohort; admins also invite coaches and offboard.
STUDENT_ROLE = "student"
COACH_ROLE = "coach"
ADMIN_ROLE = "admin"

# Tenant and user ids end up inside DynamoDB keys such as `T#{tenant}#U#{user}`; a `#` (or any
# other unexpected character) in a claim could forge another tenant's key prefix, so ids are
# held to a small alphabet that Cognito subs (UUIDs) and sensible tenant slugs all fit.
_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}")


def is_valid_id(value: object) -> bool:
    """Whether `value` may be used as a tenant or user id inside storage keys."""
    return isinstance(value, str) and _ID_PATTERN.fullmatch(value) is not None


@dataclass(frozen=True)
class Identity:
    """The verified caller; the only source of tenant and user for every request."""

    user_id: str
    tenant_id: str
    email: str
    roles: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not is_valid_id(self.user_id):
            raise ValueError(f"invalid user id: {self.user_id!r}")
        if not is_valid_id(self.tenant_id):
            raise ValueError(f"invalid tenant id: {self.tenant_id!r}")
        # Reminders go to this address, saved in the user's settings: the settings' own rule.
        if not is_email(self.email):
            raise ValueError(f"invalid email: {self.email!r}")
        # Callers may hand over a set or list; freezing keeps the Identity hashable.
        object.__setattr__(self, "roles", frozenset(self.roles))

    @property
    def is_coach(self) -> bool:
        """Coaches and admins follow their tenant's cohort (its dashboard, its members)."""
        return bool(self.roles & {COACH_ROLE, ADMIN_ROLE})

    @property
    def is_admin(self) -> bool:
        """Admins also invite coaches and admins, and remove members."""
        return ADMIN_ROLE in self.roles


# The refusals live beside Identity because together they are verification's whole answer;
# callers (the API's authorizer) catch AuthError and show `reason`.


class AuthError(Exception):
    """A refused token; `reason` is short and safe to show in a 401 body."""

    reason = "invalid token"

    def __init__(self, reason: str | None = None) -> None:
        if reason is not None:
            self.reason = reason
        super().__init__(self.reason)


class MissingTokenError(AuthError):
    reason = "no token"


class MalformedTokenError(AuthError):
    reason = "malformed token"


class UnsupportedAlgorithmError(AuthError):
    reason = "unsupported algorithm"


class BadSignatureError(AuthError):
    reason = "bad signature"


class UnknownSigningKeyError(AuthError):
    reason = "unknown signing key"


class SigningKeysUnavailableError(AuthError):
    reason = "signing keys unavailable"


class ExpiredTokenError(AuthError):
    reason = "token expired"


class TokenNotYetValidError(AuthError):
    reason = "token not yet valid"


class WrongIssuerError(AuthError):
    reason = "wrong issuer"


class WrongAudienceError(AuthError):
    reason = "wrong audience"


class MissingClaimError(AuthError):
    def __init__(self, claim: str) -> None:
        self.claim = claim
        super().__init__(f"missing claim: {claim}")


class InvalidClaimError(AuthError):
    def __init__(self, claim: str) -> None:
        self.claim = claim
        super().__init__(f"invalid claim: {claim}")
