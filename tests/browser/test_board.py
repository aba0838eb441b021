"""The printed dashboard URL signs the tab in and shows the demo user's pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard
from tests.devstack.http import call

pytestmark = pytest.mark.browser

# A wide desktop: the whole pipeline fits without scrolling sideways.
WIDE: ViewportSize = {"width": 1600, "height": 1000}
STATUSES = (
    "identified",
    "reaching_out",
    "scheduled",
    "interviewed",
    "followed_up",
    "reflected",
    "declined",
    "archived",
)


def test_the_dashboard_url_shows_the_twelve_demo_contacts_in_their_columns(
    page: Page, stack: DevStack, screenshots: Path
) -> None:
    statuses = {
        contact_id: call("GET", f"{stack.api_url}/contacts/{contact_id}", token=stack.token)[1][
            "status"
        ]
        for contact_id in stack.demo_contact_ids
    }

    page.set_viewport_size(WIDE)
    board = Dashboard(page, stack).open()

    assert len(statuses) == 12
    for contact_id, status in statuses.items():
        board.expect_in_column(contact_id, status)
    for status in STATUSES:
        cards = board.column(status).locator(".card")
        expect(cards.first).to_be_visible()
        expect(board.by_id(f"count-{status}")).to_have_text(f"({cards.count()})")
    expect(board.column("reaching_out")).to_contain_text("Marcus Chen")
    expect(board.by_id("sign-in")).to_be_hidden()
    expect(board.by_id("signed-in-as")).to_have_text("Signed in as demo@rapport.example")
    assert "token=" not in page.url, "the token leaves the address bar once it is stored"
    sideways = board.by_id("board").evaluate("board => board.scrollWidth - board.clientWidth")
    assert sideways <= 0, f"at {WIDE['width']} px every column is in view, not {sideways} px off"
    page.screenshot(path=screenshots / "board.png", full_page=True)


def test_a_tab_without_a_token_asks_for_one_and_a_pasted_token_signs_in(
    page: Page, stack: DevStack
) -> None:
    board = Dashboard(page, stack)
    page.goto(stack.api_url)
    expect(board.by_id("sign-in")).to_be_visible()

    board.by_id("token-input").fill("not-a-token")
    board.by_id("token-submit").click()
    expect(board.by_id("token-form-alert")).to_be_visible()

    board.by_id("token-input").fill(stack.token)
    board.by_id("token-submit").click()
    board.wait_loaded()
    expect(board.card(stack.demo_contact_ids[0])).to_be_visible()
