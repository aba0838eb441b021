"""Invitation links prove what they say and nothing else; roles decide who invites whom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.service.undo_links import UndoLink, UndoLinks
from chalicelib.tenancy.links import (
    InviteLink,
    InviteLinkError,
    InviteLinkExpiredError,
    InviteLinks,
)
from chalicelib.tenancy.model import invite_key, normalized_email
from chalicelib.tenancy.roles import Role, granted_roles, invitable_roles

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECRETS = ("new-secret", "old-secret")
LINK = InviteLink("acme", invite_key("lea@example.com"), "abcdefghijklmnopqrstuv")


def test_a_link_reads_back_what_it_was_made_with_until_it_expires() -> None:
    links = InviteLinks(SECRETS, "https://app.example/api/")
    url = links.url(LINK, NOW + timedelta(days=14))
    assert url.startswith("https://app.example/api/join?token=v1.")
    token = links.token(LINK, NOW + timedelta(days=14))
    assert links.read(token, NOW + timedelta(days=13)) == LINK
    with pytest.raises(InviteLinkExpiredError):
        links.read(token, NOW + timedelta(days=14))


def test_a_link_signed_with_the_previous_secret_still_reads_during_rotation() -> None:
    old = InviteLinks(("old-secret",), "https://x").token(LINK, NOW + timedelta(days=1))
    assert InviteLinks(SECRETS, "https://x").read(old, NOW) == LINK


def test_no_other_token_of_the_same_secret_reads_as_an_invitation() -> None:
    undo = UndoLinks(SECRETS, "https://x").url(UndoLink("acme", "ada", "c1", 3), NOW)
    token = undo.split("token=")[1]
    with pytest.raises(InviteLinkError):
        InviteLinks(SECRETS, "https://x").read(token, NOW)


@given(st.text(max_size=300))
def test_any_other_text_is_refused_never_crashes(text: str) -> None:
    with pytest.raises(InviteLinkError):
        InviteLinks(SECRETS, "https://x").read(text, NOW)


def test_a_link_with_one_character_changed_is_refused() -> None:
    links = InviteLinks(SECRETS, "https://x")
    token = links.token(LINK, NOW + timedelta(days=1))
    for position in range(3, len(token)):
        changed = (
            token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
        )
        with pytest.raises(InviteLinkError):
            links.read(changed, NOW)


def test_addresses_are_compared_trimmed_and_in_lower_case_and_never_kept_in_keys() -> None:
    assert normalized_email("  Lea@Example.COM ") == "lea@example.com"
    assert invite_key("Lea@Example.com") == invite_key("lea@example.com")
    assert "lea" not in invite_key("lea@example.com")


@pytest.mark.parametrize(
    ("roles", "may"),
    [
        (set(), set()),
        ({"student"}, set()),
        ({"coach"}, {Role.STUDENT}),
        ({"admin"}, set(Role)),
        ({"coach", "admin"}, set(Role)),
        ({"coach,admin"}, set()),  # one role nobody has, not two
    ],
)
def test_who_may_invite_whom(roles: set[str], may: set[Role]) -> None:
    assert invitable_roles(roles) == may


def test_a_student_joins_in_no_group_and_the_others_in_their_roles() -> None:
    assert granted_roles(Role.STUDENT) == frozenset()
    assert granted_roles(Role.COACH) == {"coach"}
    assert granted_roles(Role.ADMIN) == {"admin"}
