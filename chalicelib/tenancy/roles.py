"""Who may do what in a tenant: the three roles and the rule of who may invite whom.

Everyone is a student; a coach follows the cohort and invites students; an admin also invites
coaches and admins, and removes members. The roles come from the verified token (deployed:
the user's Cognito groups), so this module only ever compares sets of names.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from chalicelib.auth.identity import ADMIN_ROLE, COACH_ROLE, STUDENT_ROLE


class Role(StrEnum):
    STUDENT = STUDENT_ROLE
    COACH = COACH_ROLE
    ADMIN = ADMIN_ROLE


ROLE_NAMES = tuple(role.value for role in Role)


def invitable_roles(caller_roles: Iterable[str]) -> frozenset[Role]:
    """The roles a caller may hand out: admins any, coaches students only, students none."""
    held = frozenset(caller_roles)
    if ADMIN_ROLE in held:
        return frozenset(Role)
    if COACH_ROLE in held:
        return frozenset({Role.STUDENT})
    return frozenset()


def granted_roles(role: Role) -> frozenset[str]:
    """The role names a member who joined as `role` holds (a student holds no group: everyone
    is one)."""
    return frozenset() if role is Role.STUDENT else frozenset({role.value})
