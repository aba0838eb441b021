"""What the API refuses is shown where the user is looking: next to the field, or in the alert."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard

pytestmark = pytest.mark.browser

HTTPS_ONLY = "must be an https:// URL"


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
    grace = board.contact_id_of("Grace Liu")  # the demo's reflected contact, already connected
    board.open_contact(grace)
    timeline_before = board.event_types()
    alert = board.dialog.get_by_test_id("step-form-alert")
    url = board.step_form.get_by_test_id("field-profile_url")

    board.fill_step("linkedin_connected", lambda form: url.fill("http://x"))
    board.submit_step()
    expect(board.step_form.get_by_test_id("error-profile_url")).to_have_text(HTTPS_ONLY)

    url.fill("https://www.linkedin.com/in/grace-liu")
    board.submit_step()
    expect(alert).to_have_text("you are already connected on LinkedIn")
    expect(board.step_form.get_by_test_id("error-profile_url")).to_have_count(0)
    expect(url).to_have_value("https://www.linkedin.com/in/grace-liu")
    assert board.event_types() == timeline_before
