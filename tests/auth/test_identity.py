"""An Identity can only hold ids that are safe inside tenant-prefixed storage keys."""

from __future__ import annotations

import pytest

from chalicelib.auth import Identity


def test_a_coach_is_someone_with_the_coach_role() -> None:
    student = Identity("u-1", "acme", "ada@example.com")
    coach = Identity("u-2", "acme", "lee@example.com", frozenset({"coach"}))

    assert not student.is_coach
    assert coach.is_coach


def test_roles_given_as_any_iterable_end_up_frozen() -> None:
    identity = Identity("u-1", "acme", "ada@example.com", roles={"coach"})  # type: ignore[arg-type]

    assert identity.roles == frozenset({"coach"})
    assert hash(identity) == hash(Identity("u-1", "acme", "ada@example.com", frozenset({"coach"})))


@pytest.mark.parametrize(
    ("user", "tenant", "email"),
    [
        ("u-1", "acme#U#u-2", "ada@example.com"),
        ("u#1", "acme", "ada@example.com"),
        ("", "acme", "ada@example.com"),
        ("u-1", "a" * 129, "ada@example.com"),
        ("u-1", "acme", "ada at example.com"),
    ],
)
def test_ids_that_could_break_out_of_a_key_prefix_are_rejected(
    user: str, tenant: str, email: str
) -> None:
    with pytest.raises(ValueError, match="invalid"):
        Identity(user, tenant, email)
