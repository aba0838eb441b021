"""Due actions, upcoming interviews and the funnel follow a contact's steps; phones get it all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard, local_input

pytestmark = pytest.mark.browser

NAME = "Malik Osei"
PHONE: ViewportSize = {"width": 375, "height": 812}


def said_yes(form: Locator) -> None:
    form.get_by_label("Yes, they will talk").check()


def in_three_days(form: Locator) -> None:
    # Questions are due 48 h before: three days out, nothing of this contact is due yet.
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(hour=10, minute=30)
    form.get_by_test_id("field-starts_at").fill(local_input(starts))


def moved_to_just_now(form: Locator) -> None:
    # An interview cannot be logged before it starts (issue 14): it was moved to a few minutes
    # ago and has just happened. It ends half an hour later, so nothing of it falls due yet.
    starts = (datetime.now(UTC) - timedelta(minutes=3)).replace(second=0, microsecond=0)
    form.get_by_test_id("field-starts_at").fill(local_input(starts))


def test_the_summary_panels_and_the_funnel_chart_change_as_steps_are_logged(
    page: Page, stack: DevStack, screenshots: Path
) -> None:
    stack.drain()
    board = Dashboard(page, stack).open()
    expect(board.by_id("funnel-chart")).to_be_visible()
    before = board.funnel_numbers()
    assert before["reached-out"] >= before["replied"] >= before["interviewed"] > 0
    expect(board.by_id("reply-rate")).to_contain_text("%")
    due = board.by_id("due-list")
    upcoming = board.by_id("upcoming-interviews")

    contact_id = board.add_contact(NAME, company="Contoso", role="Designer")
    board.refresh_projected()
    expect(due.get_by_test_id(f"due-{contact_id}")).to_contain_text("Reach out")

    board.log_step(contact_id, "outreach_sent")
    board.refresh_projected()
    expect(board.funnel_value("reached-out")).to_have_text(str(before["reached-out"] + 1))
    expect(due.get_by_test_id(f"due-{contact_id}")).to_have_count(0)

    board.log_step(contact_id, "reply_received", said_yes)
    board.refresh_projected()
    expect(board.funnel_value("replied")).to_have_text(str(before["replied"] + 1))
    expect(due.get_by_test_id(f"due-{contact_id}")).to_contain_text("Schedule the interview")

    board.log_step(contact_id, "interview_scheduled", in_three_days)
    board.refresh_projected()
    expect(upcoming.get_by_test_id(f"interview-{contact_id}")).to_contain_text(NAME)
    expect(due.get_by_test_id(f"due-{contact_id}")).to_have_count(0)

    board.log_step(contact_id, "interview_rescheduled", moved_to_just_now)
    board.log_step(contact_id, "interview_completed")
    board.refresh_projected()
    expect(board.funnel_value("interviewed")).to_have_text(str(before["interviewed"] + 1))
    expect(upcoming.get_by_test_id(f"interview-{contact_id}")).to_have_count(0)
    expect(due.get_by_test_id(f"due-{contact_id}")).to_contain_text("Send a thank-you")
    expect(board.by_id("funnel-chart")).to_have_attribute("role", "img")
    page.locator(".summary").screenshot(path=screenshots / "funnel.png")

    page.set_viewport_size(PHONE)
    expect(board.column("identified")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px on a phone"
    page.screenshot(path=screenshots / "phone.png", full_page=True)
