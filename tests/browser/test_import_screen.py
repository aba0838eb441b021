"""The Import screen: LinkedIn's Connections.csv previewed (new rows, the bad row by line), then
imported onto the board; the same file again is all duplicates and imports nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard, new_user

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "contact_import" / "fixtures"


def test_preview_import_and_import_again(
    page: Page, stack: DevStack, doc_screenshots: Path
) -> None:
    user = new_user(stack, "import-user")
    board = Dashboard(page, stack).open(user.dashboard_url)
    board.by_id("open-import").click()
    dialog = board.by_id("import-dialog")
    expect(dialog).to_be_visible()

    # Nothing chosen: said, nothing sent.
    dialog.get_by_test_id("import-preview-button").click()
    expect(dialog.get_by_test_id("import-alert")).to_contain_text("Choose a CSV file")

    dialog.get_by_test_id("import-file").set_input_files(str(FIXTURES / "linkedin_connections.csv"))
    dialog.get_by_test_id("import-preview-button").click()
    new_rows = dialog.get_by_test_id("import-new")
    expect(new_rows).to_contain_text("Grace Hopper")
    expect(new_rows).to_contain_text("US Navy, Reserve")
    expect(dialog.get_by_test_id("import-summary")).to_contain_text("0 duplicates")
    count = new_rows.locator("tbody tr").count()
    assert count >= 3
    confirm = dialog.get_by_test_id("import-confirm")
    expect(confirm).to_have_text(f"Import {count} contacts")
    board.page.screenshot(path=doc_screenshots / "import-preview.png")

    confirm.click()
    expect(dialog.get_by_test_id("import-done")).to_contain_text(f"Imported {count} contacts")
    board.close_import()
    board.reload_projected()
    grace = board.contact_id_of("Grace Hopper")
    board.expect_in_column(grace, "identified")

    # The same file again: every row a duplicate, named, and nothing to import.
    board.by_id("open-import").click()
    dialog.get_by_test_id("import-file").set_input_files(str(FIXTURES / "linkedin_connections.csv"))
    dialog.get_by_test_id("import-preview-button").click()
    expect(dialog.get_by_test_id("import-summary")).to_contain_text("0 new contacts")
    expect(dialog.get_by_test_id("import-duplicates")).to_contain_text("Grace Hopper")
    expect(dialog.get_by_test_id("import-confirm")).to_be_hidden()

    # A file with a bad row: the row by line, the rest importable.
    dialog.get_by_test_id("import-file").set_input_files(str(FIXTURES / "bad_row.csv"))
    dialog.get_by_test_id("import-preview-button").click()
    errors = dialog.get_by_test_id("import-errors")
    expect(errors).to_contain_text("3")
    expect(errors).to_contain_text("email")
