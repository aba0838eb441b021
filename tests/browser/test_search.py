"""The board's search box: the server's matches only, whatever the case and accents typed;
an emptied box shows the whole board again."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard, new_user

pytestmark = pytest.mark.browser

SOUGHT = "Renee Lindqvist"
OTHER = "Tobias Marek"
# The name with an accent it does not have, in capitals: the server folds both away.
TYPED = "RENÉE"


def test_searching_shows_only_the_matches_and_clearing_shows_the_board_again(
    page: Page, stack: DevStack, doc_screenshots: Path
) -> None:
    # A user of its own, so "only the match" is checked against a board with nobody else.
    user = new_user(stack, "search-user")
    board = Dashboard(page, stack).open(user.dashboard_url)
    sought = board.add_contact(SOUGHT, company="Fjordline Shipping", role="Data Analyst")
    other = board.add_contact(OTHER, company="Kestrel Analytics", role="Product Manager")
    # The search reads the projections: let them hold both contacts first.
    stack.drain()

    searched: list[str] = []

    def remember(request: Request) -> None:
        query = parse_qs(urlsplit(request.url).query)
        if urlsplit(request.url).path.endswith("/contacts") and "q" in query:
            searched.append(query["q"][0])

    page.on("request", remember)
    board.search(TYPED)

    expect(board.card(other)).to_have_count(0)
    expect(board.card(sought)).to_be_visible()
    expect(board.by_id("board").locator(".card")).to_have_count(1)
    expect(board.by_id("search-status")).to_have_text(f"1 contact matches “{TYPED}”.")
    assert searched, "the search asked the server"
    assert searched[-1] == TYPED
    # Debounced: one request after the pause, not one per key.
    assert len(searched) < len(TYPED), searched
    board.page.screenshot(path=doc_screenshots / "search.png")

    board.search("kestrel")
    expect(board.card(sought)).to_have_count(0)
    expect(board.card(other)).to_be_visible()

    board.search("nobody-has-this-name")
    expect(board.by_id("board").locator(".card")).to_have_count(0)
    expect(board.by_id("search-status")).to_contain_text("No contact matches")

    board.by_id("search-input").clear()
    expect(board.card(sought)).to_be_visible()
    expect(board.card(other)).to_be_visible()
    expect(board.by_id("search-status")).to_be_hidden()
