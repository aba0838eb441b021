"""The Integrations screen: the webhook URLs and how-to, write-only secrets, the calendar feed's
URL with copy and rotate; then a signed Calendly delivery to the URL shown books the contact."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard, new_user
from tests.calendar_feed.rfc5545 import check_ics
from tests.webhooks.signing import calendly_header, encode, fixture_document

pytestmark = pytest.mark.browser

SIGNING_KEY = "browser-calendly-key-4411"


def fetch(
    url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes, str]:
    request = urllib.request.Request(
        url, data=body, headers=headers or {}, method="POST" if body else "GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


def test_connect_calendly_rotate_the_feed_and_a_booking_arrives(
    page: Page, stack: DevStack, doc_screenshots: Path
) -> None:
    user = new_user(stack, "integrations-user")
    board = Dashboard(page, stack).open(user.dashboard_url)
    board.by_id("open-integrations").click()
    dialog = board.by_id("integrations-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("calendly-status")).to_have_text("Not connected")
    expect(dialog.get_by_test_id("calcom-status")).to_have_text("Not connected")
    expect(dialog.get_by_text("paid Calendly plan")).to_be_visible()
    hook_url = dialog.get_by_test_id("calendly-webhook-url").input_value()
    assert hook_url.startswith(f"{stack.api_url}/webhooks/calendly/")
    assert (
        dialog.get_by_test_id("calcom-webhook-url")
        .input_value()
        .startswith(f"{stack.api_url}/webhooks/calcom/")
    )

    # A secret too short is refused next to its field, and nothing is saved.
    dialog.get_by_test_id("field-calendly-secret").fill("short")
    dialog.get_by_test_id("save-calendly").click()
    expect(dialog.get_by_test_id("error-signing_key")).to_be_visible()
    expect(dialog.get_by_test_id("calendly-status")).to_have_text("Not connected")
    dialog.get_by_test_id("field-calendly-secret").fill(SIGNING_KEY)
    dialog.get_by_test_id("save-calendly").click()
    expect(dialog.get_by_test_id("calendly-status")).to_have_text("Connected")
    expect(dialog.get_by_test_id("integrations-saved")).to_contain_text("Calendly connected")
    # Write-only: the page never shows it again.
    expect(dialog.get_by_test_id("field-calendly-secret")).to_have_value("")
    assert SIGNING_KEY not in page.content()

    old_feed = dialog.get_by_test_id("calendar-feed-url").input_value()
    status, ics, kind = fetch(old_feed)
    assert status == 200
    assert kind.startswith("text/calendar")
    check_ics(ics)
    board.page.screenshot(path=doc_screenshots / "integrations.png")
    dialog.get_by_test_id("rotate-calendar").click()
    expect(dialog.get_by_test_id("integrations-saved")).to_contain_text("no longer works")
    new_feed = dialog.get_by_test_id("calendar-feed-url").input_value()
    assert new_feed != old_feed
    assert fetch(old_feed)[0] == 404
    assert fetch(new_feed)[0] == 200

    # Calendly delivers a booking to the URL the screen showed.
    document = fixture_document("calendly_invitee_created")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=4)
    scheduled = document["payload"]["scheduled_event"]
    scheduled["start_time"] = start.isoformat().replace("+00:00", "Z")
    scheduled["end_time"] = (start + timedelta(minutes=30)).isoformat().replace("+00:00", "Z")
    body = encode(document)
    signature = calendly_header(body, SIGNING_KEY, int(datetime.now(UTC).timestamp()))
    status, answer, _ = fetch(
        hook_url,
        body,
        {"Content-Type": "application/json", "Calendly-Webhook-Signature": signature},
    )
    assert status == 200, answer
    assert json.loads(answer)["recorded"]["event_type"] == "interview_scheduled"
    board.close_integrations()
    board.reload_projected()
    contact_id = board.contact_id_of("Priya Raman")
    board.expect_in_column(contact_id, "scheduled")
    status, ics, _ = fetch(new_feed)
    assert f"interview-{contact_id}@".encode() in ics
