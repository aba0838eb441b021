"""A newcomer's first minutes: the five steps explained on an empty board, a visible word that
the first contact was added, and what was learned kept in the contact's summary (not only
somewhere down its timeline)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard, local_input, new_user

pytestmark = pytest.mark.browser

NAME = "Wilhelmina Okonjo"
RESEARCH = "Moved from civil engineering to climate data in 2019."
NOTES = "Learn Python first; volunteer on open climate datasets."
LESSON = "Ask for a small project to prove the skills."


def researched(form: Locator) -> None:
    form.get_by_test_id("field-subject").select_option("person")
    form.get_by_test_id("field-text").fill(RESEARCH)


def began_minutes_ago(form: Locator) -> None:
    starts = (datetime.now(UTC) - timedelta(minutes=3)).replace(second=0, microsecond=0)
    form.get_by_test_id("field-starts_at").fill(local_input(starts))


def took_notes(form: Locator) -> None:
    form.get_by_test_id("field-notes").fill(NOTES)


def reflected(form: Locator) -> None:
    form.get_by_test_id("field-lessons").fill(LESSON)


def test_an_empty_board_explains_the_five_steps_and_adding_a_contact_says_so(
    page: Page, stack: DevStack
) -> None:
    board = Dashboard(page, stack).open(new_user(stack, "first-run-user").dashboard_url)
    welcome = board.by_id("first-run")
    expect(welcome).to_be_visible()
    expect(welcome.locator("li")).to_have_count(5)
    for step in ("Identify", "Prepare", "Conduct", "Follow up", "Reflect"):
        expect(welcome).to_contain_text(step)

    # At 1280 px the eight columns do not fit: the board scrolls sideways, not the page.
    pipeline = board.by_id("board")
    assert pipeline.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    assert pipeline.evaluate("el => el.scrollWidth > el.clientWidth")
    assert pipeline.evaluate("el => { el.scrollLeft = 400; return el.scrollLeft; }") > 0
    assert board.page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    contact_id = board.add_contact(NAME, company="Cirrus Climate")

    expect(board.by_id("add-contact-done")).to_have_text(
        f"Added {NAME}: find them in the Identified column of the pipeline."
    )
    expect(welcome).to_be_hidden()
    board.expect_in_column(contact_id, "identified")


def test_research_interview_notes_and_reflection_show_in_the_contacts_summary(
    page: Page, stack: DevStack
) -> None:
    board = Dashboard(page, stack).open(new_user(stack, "summary-user").dashboard_url)
    contact_id = board.add_contact("Caspian Aldous", company="Heliotrope Labs")
    board.log_step(contact_id, "research_noted", researched)
    board.log_step(contact_id, "interview_scheduled", began_minutes_ago)
    board.log_step(contact_id, "interview_completed", took_notes)
    board.log_step(contact_id, "reflection_recorded", reflected)

    board.open_contact(contact_id)
    details = board.dialog.get_by_test_id("contact-details")
    expect(details.get_by_test_id("contact-research")).to_contain_text(RESEARCH)
    expect(details.get_by_test_id("contact-research")).to_contain_text("The person")
    expect(details.get_by_test_id("contact-interview-notes")).to_have_text(NOTES)
    expect(details.get_by_test_id("contact-reflection")).to_contain_text(LESSON)
    expect(details.get_by_test_id("contact-reflection")).to_contain_text("What you learned")
