"""Export: the header's buttons download GET /me/export (sent with the bearer token) as a file
named as the server says, in JSON and in CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard, new_user

pytestmark = pytest.mark.browser

NAME = "Ingrid Solberg"
DATED_NAME = r"rapport-export-\d{4}-\d{2}-\d{2}\.{kind}"


def test_export_downloads_the_users_contacts_as_json_and_as_csv(
    page: Page, stack: DevStack, doc_screenshots: Path
) -> None:
    user = new_user(stack, "export-user")
    board = Dashboard(page, stack).open(user.dashboard_url)
    contact_id = board.add_contact(NAME, company="Aurora Freight", role="Operations Lead")
    # The export finds the caller's contacts through the projections: let them catch up.
    stack.drain()

    with page.expect_download() as json_download:
        board.by_id("export-json").click()
    download = json_download.value
    assert re.fullmatch(DATED_NAME.replace("{kind}", "json"), download.suggested_filename)
    exported = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert set(exported) >= {"exported_at", "settings", "contacts"}
    assert exported["settings"]["email"] == "export-user@rapport.example"
    contacts = {contact["contact_id"]: contact for contact in exported["contacts"]}
    assert set(contacts) == {contact_id}, "this user's contact, and nobody else's"
    assert contacts[contact_id]["name"] == NAME
    assert contacts[contact_id]["company"] == "Aurora Freight"
    assert [event["type"] for event in contacts[contact_id]["events"]][:1] == ["contact_added"]
    expect(board.by_id("page-notice")).to_contain_text(download.suggested_filename)
    board.page.screenshot(path=doc_screenshots / "export.png")

    with page.expect_download() as csv_download:
        board.by_id("export-csv").click()
    download = csv_download.value
    assert re.fullmatch(DATED_NAME.replace("{kind}", "csv"), download.suggested_filename)
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1, rows
    assert NAME in rows[0].values()
