"""A contact taken through the guide's five steps in the browser, from adding to reflecting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard, StepFill, local_input

pytestmark = pytest.mark.browser

NAME = "Rosa Lindqvist"
PROFILE = "https://www.linkedin.com/in/rosa-lindqvist"
FIRST_SUGGESTION = "What led you to your current role?"
OWN_QUESTION = "Which skills should I build first?"


def thanked(form: Locator) -> None:
    form.get_by_test_id("field-channel").select_option("email")


def reached_out(form: Locator) -> None:
    form.get_by_test_id("field-channel").select_option("email")
    form.get_by_test_id("field-message").fill("Could we talk for 30 minutes next week?")


def said_yes(form: Locator) -> None:
    form.get_by_label("Yes, they will talk").check()


def scheduled(form: Locator) -> None:
    # Three days ahead: no reminder falls due for this contact while the test runs.
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(hour=15, minute=0)
    form.get_by_test_id("field-starts_at").fill(local_input(starts))
    form.get_by_test_id("field-location").fill("Zoom")


def moved_to_just_now(form: Locator) -> None:
    # An interview cannot be logged before it starts (issue 14): it was moved to a few minutes
    # ago and has just happened. It ends half an hour later, so nothing of it falls due yet.
    starts = (datetime.now(UTC) - timedelta(minutes=3)).replace(second=0, microsecond=0)
    form.get_by_test_id("field-starts_at").fill(local_input(starts))


def prepared(form: Locator) -> None:
    form.get_by_test_id("suggested-question-0").click()
    expect(form.get_by_test_id("suggested-question-0")).to_be_disabled()
    form.get_by_test_id("add-question").click()
    form.get_by_test_id("questions-list").locator("input").last.fill(OWN_QUESTION)


def interviewed(form: Locator) -> None:
    form.get_by_test_id("field-notes").fill("Start with SQL; shadow an analyst.")


def connected(form: Locator) -> None:
    expect(form.get_by_test_id("field-profile_url")).to_have_value(PROFILE)


def reflected(form: Locator) -> None:
    expect(form).to_contain_text("What was the professional's career path?")
    form.get_by_test_id("field-career_path").fill("Economics, then analytics at a startup.")
    form.get_by_test_id("field-lessons").fill("Ask for a small project to show my skills.")


# Each step, what fills its form, and the column the card is in afterwards.
JOURNEY: list[tuple[str, StepFill | None, str]] = [
    ("outreach_sent", reached_out, "reaching_out"),
    ("reply_received", said_yes, "reaching_out"),
    ("interview_scheduled", scheduled, "scheduled"),
    ("questions_prepared", prepared, "scheduled"),
    ("interview_rescheduled", moved_to_just_now, "scheduled"),
    ("interview_completed", interviewed, "interviewed"),
    ("thank_you_sent", thanked, "followed_up"),
    ("linkedin_connected", connected, "followed_up"),
    ("reflection_recorded", reflected, "reflected"),
]


def test_a_contact_added_and_logged_to_reflection_crosses_the_board_and_has_a_timeline(
    page: Page, stack: DevStack, screenshots: Path
) -> None:
    board = Dashboard(page, stack).open()
    contact_id = board.add_contact(
        NAME, company="Fabrikam", role="Data Analyst", linkedin_url=PROFILE
    )
    board.reload_projected()
    board.expect_in_column(contact_id, "identified")

    for step, fill, status in JOURNEY:
        board.log_step(contact_id, step, fill)
        board.reload_projected()
        board.expect_in_column(contact_id, status)

    dialog = board.open_contact(contact_id)
    steps = [step for step, _, _ in JOURNEY]
    assert [t for t in board.event_types() if t != "reminder_sent"] == ["contact_added", *steps]
    timeline = dialog.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Got a reply: they said yes")
    expect(timeline).to_contain_text(FIRST_SUGGESTION)
    expect(timeline).to_contain_text(OWN_QUESTION)
    expect(timeline).to_contain_text("Ask for a small project to show my skills.")
    expect(dialog.get_by_test_id("contact-status")).to_have_text("Reflected")
    expect(board.step_form.get_by_test_id("step-type")).not_to_contain_text("Thank-you sent")
    # Tall enough for the whole dialog, so the picture shows the timeline from top to bottom.
    page.set_viewport_size({"width": 1280, "height": 3200})
    dialog.screenshot(path=screenshots / "timeline.png")
