"""A step logged by mistake is undone from the timeline: it stays there, struck through."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard

pytestmark = pytest.mark.browser


def reached_out(form: Locator) -> None:
    form.get_by_test_id("field-channel").select_option("email")


def test_an_undone_step_is_struck_through_and_the_contact_is_back_where_it_was(
    page: Page, stack: DevStack, doc_screenshots: Path
) -> None:
    board = Dashboard(page, stack).open()
    contact_id = board.add_contact("Priya Nair", company="Contoso")
    board.log_step(contact_id, "outreach_sent", reached_out)

    board.open_contact(contact_id)
    expect(board.status()).to_have_text("Reaching out")
    board.undo_button.click()

    expect(board.status()).to_have_text("Identified")
    undone = board.event_of("outreach_sent")
    expect(undone).to_have_attribute("data-retracted", "true")
    expect(undone.locator(".event-title")).to_have_css("text-decoration-line", "line-through")
    expect(undone).to_contain_text("(undone)")
    expect(board.events().last).to_have_attribute("data-event-type", "step_retracted")
    # Nothing is left to undo: only the contact's adding, which no undo takes back.
    expect(board.undo_button).to_have_count(0)
    board.dialog.screenshot(path=doc_screenshots / "undo.png")

    board.close_contact()
    board.reload_projected()
    board.expect_in_column(contact_id, "identified")
