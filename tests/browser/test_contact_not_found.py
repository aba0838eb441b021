"""A link to a contact that does not exist (erased, or someone else's) says so plainly and
offers nothing to do to it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard

pytestmark = pytest.mark.browser


def test_a_link_to_a_missing_contact_shows_contact_not_found_and_no_erase_button(
    page: Page, stack: DevStack
) -> None:
    board = Dashboard(page, stack).open()

    board.page.goto(f"{stack.api_url}/#/contacts/0123456789abcdef0123456789abcdef")

    expect(board.dialog).to_be_visible()
    expect(board.dialog.get_by_test_id("contact-name")).to_have_text("Contact not found")
    expect(board.dialog.get_by_test_id("contact-not-found")).to_be_visible()
    expect(board.dialog.get_by_test_id("erase-contact")).to_be_hidden()
    expect(board.dialog.get_by_test_id("step-form")).to_be_hidden()
    expect(board.dialog.get_by_test_id("panel-alert")).to_be_hidden()
