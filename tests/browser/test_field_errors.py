"""What the API refuses is shown where the user is looking: next to the field, or in the alert."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard

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
    expect(board.by_id("add-contact-alert")).to_contain_text("linkedin_url")
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
    # Only an introduction asked for: the contact is reaching out, so the form offers a
    # follow-up, but a follow-up needs an outreach of your own first and the API says so.
    jonas = board.add_contact("Jonas Berg")
    board.log_step(jonas, "introduction_requested")
    board.open_contact(jonas)
    timeline_before = board.event_types()
    alert = board.dialog.get_by_test_id("step-form-alert")
    message = board.step_form.get_by_test_id("field-message")

    board.fill_step("follow_up_sent", lambda form: message.fill("x" * 5001))
    board.submit_step()
    expect(board.step_form.get_by_test_id("error-message")).to_contain_text("5000")

    message.fill("Just checking in on my note from last week.")
    board.submit_step()
    expect(alert).to_contain_text("a follow-up comes after your own outreach")
    expect(board.step_form.get_by_test_id("error-message")).to_have_count(0)
    assert board.event_types() == timeline_before
