"""The next action put off for three days with one click; the dialog shows its new due time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard

pytestmark = pytest.mark.browser

# The page counts three days from the click; the test brackets the click with the wall clock.
SNOOZE = timedelta(days=3)
SLACK = timedelta(minutes=1)


def due_at(board: Dashboard) -> datetime:
    value = board.next_action().get_attribute("data-due-at")
    assert value, "the next action shows no due time"
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_snoozing_moves_the_next_action_three_days_ahead(
    page: Page, stack: DevStack, doc_screenshots: Path
) -> None:
    board = Dashboard(page, stack).open()
    contact_id = board.add_contact("Amara Okafor", company="Tailspin")
    board.open_contact(contact_id)
    expect(board.next_action()).to_contain_text("Reach out")
    before = due_at(board)

    clicked = datetime.now(UTC)
    board.snooze_button.click()
    # The details are redrawn with the timeline, so the new step being shown means both are.
    expect(board.events().last).to_have_attribute("data-event-type", "reminder_snoozed")
    after = due_at(board)

    assert clicked + SNOOZE - SLACK <= after <= datetime.now(UTC) + SNOOZE + SLACK
    assert after > before
    expect(board.next_action()).to_contain_text("Reach out")
    board.dialog.screenshot(path=doc_screenshots / "snooze.png")
