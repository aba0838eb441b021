"""A digest refuses what would make a wrong email: naive times, unknown zones, nothing due."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from chalicelib.domain.vocabulary import Action
from tests.reminders.builders import APP, digest, reminder_item


def test_a_due_time_without_a_timezone_is_refused() -> None:
    with pytest.raises(ValidationError):
        reminder_item(due_at=datetime(2026, 12, 4, 9, 0))


def test_an_unknown_timezone_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown IANA timezone"):
        digest(timezone="Mars/Olympus_Mons")


def test_a_digest_with_nothing_due_is_refused() -> None:
    with pytest.raises(ValidationError):
        digest(items=())


def test_an_unknown_action_is_refused() -> None:
    with pytest.raises(ValidationError):
        reminder_item(action="celebrate")  # type: ignore[arg-type]


def test_a_trailing_slash_on_the_app_url_does_not_double_up_in_links() -> None:
    assert digest(app_base_url=f"{APP}/").app_base_url == APP


def test_items_may_be_given_as_a_list_and_stay_in_order() -> None:
    items = [reminder_item(Action.REFLECT), reminder_item(Action.FOLLOW_UP)]

    assert [item.action for item in digest(items=items).items] == [
        Action.REFLECT,
        Action.FOLLOW_UP,
    ]


def test_an_interview_ends_after_its_duration() -> None:
    interview = reminder_item().interview

    assert interview is not None
    assert (interview.ends_at - interview.starts_at).total_seconds() == 30 * 60
