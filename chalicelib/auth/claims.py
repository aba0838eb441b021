"""The rule each claim of a token must pass before anything else reads it.

A claim is refused at the door (a 401 naming it) when the part of the system that uses it would
refuse it later: `sub` and the tenant become parts of storage keys (`is_valid_id`), `email` is
where reminders go (the Email type's own `is_email`), roles are compared whole, and times must be
numbers a datetime can hold. Python's JSON reads `10**400`, `1e400` and `NaN` into a payload
without complaint: `float(10**400)` used to raise OverflowError out of the authorizer (the
connection closed with no answer), and an `exp` of NaN compared as never expired.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeGuard

from chalicelib.auth.identity import InvalidClaimError, MissingClaimError

# NumericDate claims (`exp`, `nbf`, `iat`): whole seconds from 1970 to the last second of 9999,
# the range a datetime can hold. Cognito and `mint_token` write whole seconds; RFC 7519 also
# allows fractions, which no issuer we accept sends, so floats are refused with NaN and inf.
MAX_NUMERIC_DATE = 253_402_300_799
# Cognito caps a user at 100 groups, each name at most 128 characters.
MAX_ROLES = 100
MAX_ROLE_CHARS = 128


def numeric_date(claims: Mapping[str, Any], name: str) -> int | None:
    """A NumericDate claim in whole seconds; None when absent, InvalidClaimError when not sane."""
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidClaimError(name)
    if not 0 <= value <= MAX_NUMERIC_DATE:
        raise InvalidClaimError(name)
    return value


def required_string(claims: Mapping[str, Any], name: str, valid: Callable[[object], bool]) -> str:
    """A claim that must be present, non-empty and pass `valid`."""
    value = claims.get(name)
    if value is None or value == "":
        raise MissingClaimError(name)
    if not valid(value):
        raise InvalidClaimError(name)
    return str(value)


def is_role_list(value: object) -> TypeGuard[list[str]]:
    """A list of at most 100 non-empty printable strings of at most 128 characters. Each string
    is one role, compared whole: `"student,coach"` is a role nobody has, not two roles."""
    if not isinstance(value, list) or len(value) > MAX_ROLES:
        return False
    return all(
        isinstance(role, str) and 0 < len(role) <= MAX_ROLE_CHARS and role.isprintable()
        for role in value
    )


def roles_of(claims: Mapping[str, Any], names: Iterable[str]) -> frozenset[str]:
    """The union of the role claims `names` (each optional, each a role list)."""
    roles: set[str] = set()
    for name in names:
        value = claims.get(name)
        if value is None:
            continue
        if not is_role_list(value):
            raise InvalidClaimError(name)
        roles.update(value)
    return frozenset(roles)
