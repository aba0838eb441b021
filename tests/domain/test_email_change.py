"""Changing where reminders go: the token's own address at once, any other only once the link
emailed to it is clicked, and a link that can only confirm the change it was sent for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.user_settings import (
    CONFIRM_EMAIL_WITHIN,
    RESEND_AFTER,
    LinkState,
    PendingEmail,
    UserSettings,
    change_settings,
    link_state,
    same_address,
    saved_settings,
)

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
TOKEN = "ada@example.com"
CURRENT = UserSettings(email="ada@work.example")


def _change(
    changes: dict[str, Any],
    current: UserSettings = CURRENT,
    pending: PendingEmail | None = None,
    now: datetime = NOW,
) -> Any:
    return change_settings(current, pending, changes, token_email=TOKEN, now=now, nonce="n-new")


def _pending(email: str = "new@example.org", at: datetime = NOW) -> PendingEmail:
    return PendingEmail(email=email, nonce="n-old", requested_at=at)


def test_another_address_waits_and_reminders_keep_their_current_one() -> None:
    change = _change({"email": "new@example.org", "reminder_hour": 8})

    assert change.settings == CURRENT.model_copy(update={"reminder_hour": 8})
    assert change.pending == PendingEmail(email="new@example.org", nonce="n-new", requested_at=NOW)
    assert change.send_link


@pytest.mark.parametrize("asked", [TOKEN, "ada@EXAMPLE.com", None])
def test_the_tokens_own_address_applies_at_once_and_drops_a_pending_change(asked: Any) -> None:
    change = _change({"email": asked}, pending=_pending())

    assert change.settings.email == (asked or TOKEN)
    assert (change.pending, change.send_link) == (None, False)


def test_a_local_part_in_other_letters_is_another_mailbox() -> None:
    assert not same_address("Ada@example.com", TOKEN)
    assert _change({"email": "Ada@example.com"}).send_link


def test_the_current_address_or_no_address_changes_nothing_and_keeps_the_pending_one() -> None:
    pending = _pending()

    for changes in ({"email": "ada@work.example"}, {"timezone": "Europe/Paris"}):
        change = _change(changes, pending=pending)
        assert (change.settings.email, change.pending, change.send_link) == (
            "ada@work.example",
            pending,
            False,
        )


def test_a_user_without_an_address_gets_the_tokens() -> None:
    change = _change({"timezone": "Europe/Paris"}, current=UserSettings())

    assert change.settings.email == TOKEN


def test_the_same_address_again_soon_sends_no_second_link() -> None:
    pending = _pending()

    soon = _change({"email": "new@example.org"}, pending=pending, now=NOW + timedelta(minutes=1))
    later = _change({"email": "new@example.org"}, pending=pending, now=NOW + RESEND_AFTER)

    assert (soon.pending, soon.send_link) == (pending, False)
    assert later.send_link
    assert later.pending == pending.model_copy(update={"requested_at": NOW + RESEND_AFTER})


def test_another_address_replaces_the_pending_one_with_a_new_nonce() -> None:
    change = _change({"email": "other@example.org"}, pending=_pending())

    assert change.pending is not None
    assert (change.pending.email, change.pending.nonce, change.send_link) == (
        "other@example.org",
        "n-new",
        True,
    )


def test_a_lapsed_pending_change_is_gone() -> None:
    lapsed = _pending(at=NOW - CONFIRM_EMAIL_WITHIN)

    assert not lapsed.is_open(NOW)
    assert _change({"reminder_hour": 7}, pending=lapsed).pending is None


@pytest.mark.parametrize(
    ("email", "nonce", "pending", "state"),
    [
        ("new@example.org", "n-old", _pending(), LinkState.CONFIRMABLE),
        ("new@example.org", "n-other", _pending(), LinkState.SUPERSEDED),
        ("new@example.org", "n-old", _pending("other@example.org"), LinkState.SUPERSEDED),
        ("new@example.org", "n-old", None, LinkState.SUPERSEDED),
        ("new@example.org", "n-old", _pending(at=NOW - timedelta(days=2)), LinkState.SUPERSEDED),
        ("ada@work.example", "n-old", None, LinkState.CONFIRMED),
    ],
)
def test_a_link_confirms_only_the_change_it_was_sent_for(
    email: str, nonce: str, pending: PendingEmail | None, state: LinkState
) -> None:
    assert link_state(email, nonce, CURRENT, pending, NOW) is state


def test_an_address_saved_before_the_rule_tightened_is_dropped_not_fatal() -> None:
    saved = saved_settings({"email": "evil@q.r,x", "timezone": "Asia/Tokyo"})

    assert (saved.email, saved.timezone) == (None, "Asia/Tokyo")


def test_other_bad_saved_settings_still_fail() -> None:
    with pytest.raises(ValidationError):
        saved_settings({"email": "evil@q.r,x", "reminder_hour": 99})
