"""What the API refuses is shown where the user is looking: next to the field, or in the alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard, local_input

pytestmark = pytest.mark.browser

# The LinkedIn rule of issue 14 (domain/new_values.py).
HTTPS_ONLY = "must be an https:// address on linkedin.com, like https://www.linkedin.com/in/ada"


def test_a_field_the_api_refuses_is_marked_and_explained_next_to_it(
    page: Page, stack: DevStack
) -> None:
    board = Dashboard(page, stack).open()
    form = board.by_id("add-contact-form")

    board.submit_contact(name="Ines Duarte", linkedin_url="http://x")

    url = form.get_by_test_id("field-linkedin_url")
    error = form.get_by_test_id("error-linkedin_url")
    expect(error).to_have_text(HTTPS_ONLY)
    expect(url).to_have_attribute("aria-invalid", "true")
    expect(url).to_be_focused()
    described_by = url.get_attribute("aria-describedby") or ""
    assert error.get_attribute("id") in described_by.split()
    # The alert names the field as the form labels it, not by its code.
    expect(board.by_id("add-contact-alert")).to_contain_text("LinkedIn URL")
    expect(board.by_id("add-contact-alert")).not_to_contain_text("linkedin_url")
    expect(board.card_named("Ines Duarte")).to_have_count(0)

    board.submit_contact(linkedin_url="https://www.linkedin.com/in/ines-duarte")

    expect(error).to_have_count(0)
    expect(url).not_to_have_attribute("aria-invalid", "true")
    expect(board.by_id("add-contact-alert")).to_be_hidden()
    expect(board.card_named("Ines Duarte")).to_have_count(1)


def test_a_step_the_api_refuses_shows_its_field_error_then_its_422_reason_in_the_alert(
    page: Page, stack: DevStack
) -> None:
    board = Dashboard(page, stack).open()
    # The interview began a few minutes ago, so the form offers "Interview done"; logged as done
    # an hour ago, before it began, the API refuses it and says why. (The form offers only the
    # steps the contact accepts now, so a refusal comes from what was typed, like this time.)
    jonas = board.add_contact("Jonas Berg")
    board.log_step(jonas, "interview_scheduled", began_minutes_ago)
    board.open_contact(jonas)
    timeline_before = board.event_types()
    alert = board.dialog.get_by_test_id("step-form-alert")
    notes = board.step_form.get_by_test_id("field-notes")

    board.fill_step("interview_completed", lambda form: notes.fill("x" * 10_001))
    board.step_form.get_by_label("When it happened").fill(
        local_input(datetime.now(UTC) - timedelta(hours=1))
    )
    board.submit_step()
    expect(board.step_form.get_by_test_id("error-notes")).to_contain_text("10000")

    notes.fill("Start with SQL; shadow an analyst.")
    board.submit_step()
    expect(alert).to_contain_text("log it after it happened")
    expect(board.step_form.get_by_test_id("error-notes")).to_have_count(0)
    assert board.event_types() == timeline_before


def began_minutes_ago(form: Locator) -> None:
    starts = (datetime.now(UTC) - timedelta(minutes=3)).replace(second=0, microsecond=0)
    form.get_by_test_id("field-starts_at").fill(local_input(starts))
