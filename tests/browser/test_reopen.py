"""An archived contact is brought back into the pipeline with one click."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard

pytestmark = pytest.mark.browser


def archived(form: Locator) -> None:
    form.get_by_test_id("field-reason").fill("Moved abroad")


def test_an_archived_contact_reopened_is_back_in_its_column_and_takes_steps_again(
    page: Page, stack: DevStack, doc_screenshots: Path
) -> None:
    board = Dashboard(page, stack).open()
    contact_id = board.add_contact("Lena Vogel", company="Northwind")
    board.log_step(contact_id, "contact_archived", archived)
    board.reload_projected()
    board.expect_in_column(contact_id, "archived")

    board.open_contact(contact_id, with_form=False)
    expect(board.status()).to_have_text("Archived")
    board.reopen_button.click()

    expect(board.status()).to_have_text("Identified")
    expect(board.events().last).to_have_attribute("data-event-type", "contact_reopened")
    expect(board.reopen_button).to_have_count(0)
    expect(board.step_form.get_by_test_id("step-submit")).to_be_visible()
    board.dialog.screenshot(path=doc_screenshots / "reopen.png")

    board.close_contact()
    board.reload_projected()
    board.expect_in_column(contact_id, "identified")
