"""The settings dialog: a timezone chosen there is saved and kept; a field the API refuses is
explained beside it in the form's words; `#/settings` (the unsubscribe page's link) opens it;
a new reminder address waits for its link; and a newcomer's browser zone is saved at the first
sign-in, once, so a later choice of UTC is never overwritten.

Each test signs in as a user of its own: the demo user's settings time the other tests' emails.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chalicelib.devstack.stack import DevStack
from chalicelib.reminders.unsubscribe import (
    accepted_secrets,
    make_unsubscribe_token,
    unsubscribe_url,
)
from tests.browser.dashboard import Dashboard, new_user
from tests.devstack.http import call

pytestmark = pytest.mark.browser

CHOSEN = "America/Chicago"
BROWSER_ZONE = "Europe/Berlin"


def saved_settings(stack: DevStack, token: str) -> dict[str, object]:
    status, body = call("GET", f"{stack.api_url}/me/settings", token=token)
    assert status == 200, body
    return body


def test_a_timezone_chosen_in_the_settings_is_saved_and_kept_after_a_reload(
    page: Page, stack: DevStack, doc_screenshots: Path
) -> None:
    user = new_user(stack, "settings-chooser")
    board = Dashboard(page, stack).open(user.dashboard_url)
    board.open_settings()
    # A newcomer starts at the server's defaults (this browser is in UTC: nothing was offered).
    expect(board.setting("timezone")).to_have_value("UTC")
    expect(board.setting("reminder_hour")).to_have_value("9")
    expect(board.setting("reminders_enabled")).to_be_checked()

    board.setting("timezone").select_option(CHOSEN)
    board.setting("reminder_hour").fill("24")
    board.save_settings()

    # The API's 400 is shown next to the field, and the alert names it as the form labels it.
    error = board.settings_form.get_by_test_id("error-reminder_hour")
    expect(error).to_contain_text("23")
    expect(board.setting("reminder_hour")).to_have_attribute("aria-invalid", "true")
    alert = board.settings.get_by_test_id("settings-alert")
    expect(alert).to_contain_text("Reminder hour")
    expect(alert).not_to_contain_text("reminder_hour")
    assert saved_settings(stack, user.token)["timezone"] == "UTC", "a refused PUT saves nothing"

    board.setting("reminder_hour").fill("7")
    board.setting("max_follow_ups").fill("2")
    board.save_settings()

    expect(board.settings.get_by_test_id("settings-saved")).to_have_text("Settings saved.")
    expect(error).to_have_count(0)
    expect(alert).to_be_hidden()
    saved = saved_settings(stack, user.token)
    assert saved["timezone"] == CHOSEN
    assert saved["reminder_hour"] == 7
    assert saved["max_follow_ups"] == 2
    # Only what was changed is sent: the rest keeps the server's values.
    assert saved["follow_up_after_business_days"] == 7
    assert saved["reminders_enabled"] is True
    board.settings.screenshot(path=doc_screenshots / "settings.png")
    board.close_settings()

    board.page.reload()
    board.wait_loaded()
    board.open_settings()
    expect(board.setting("timezone")).to_have_value(CHOSEN)
    expect(board.setting("reminder_hour")).to_have_value("7")
    expect(board.setting("max_follow_ups")).to_have_value("2")
    board.close_settings()

    # The unsubscribe page links to the dashboard's #/settings: it opens the same dialog.
    board.page.goto(f"{stack.api_url}/#/settings")
    board.wait_settings()
    expect(board.setting("timezone")).to_have_value(CHOSEN)
    assert "#/settings" not in board.page.url, "the address bar is tidied once it is opened"


def test_the_browser_zone_is_saved_at_the_first_sign_in_and_a_later_choice_of_utc_is_kept(
    page_in_timezone: Callable[[str], Page], stack: DevStack
) -> None:
    user = new_user(stack, "settings-newcomer")
    assert saved_settings(stack, user.token)["timezone"] == "UTC"
    berlin = page_in_timezone(BROWSER_ZONE)
    board = Dashboard(berlin, stack).open(user.dashboard_url)

    expect(board.by_id("page-notice")).to_contain_text(BROWSER_ZONE)
    assert saved_settings(stack, user.token)["timezone"] == BROWSER_ZONE
    board.open_settings()
    expect(board.setting("timezone")).to_have_value(BROWSER_ZONE)

    # A deliberate choice of UTC...
    board.setting("timezone").select_option("UTC")
    board.save_settings()
    expect(board.settings.get_by_test_id("settings-saved")).to_have_text("Settings saved.")
    assert saved_settings(stack, user.token)["timezone"] == "UTC"

    # ...survives signing in again from the same browser (a new tab: a new session).
    again = Dashboard(berlin.context.new_page(), stack).open(user.dashboard_url)
    # The settings read only after the sign-in's offer is settled, so they show its outcome.
    again.open_settings()
    expect(again.setting("timezone")).to_have_value("UTC")
    expect(again.by_id("page-notice")).to_be_hidden()
    assert saved_settings(stack, user.token)["timezone"] == "UTC"


def test_the_unsubscribe_pages_link_opens_the_settings_where_reminders_go_back_on(
    page: Page, stack: DevStack
) -> None:
    user = new_user(stack, "settings-unsubscriber")
    board = Dashboard(page, stack).open(user.dashboard_url)
    secrets = accepted_secrets(stack.settings.unsubscribe_secret)
    token = make_unsubscribe_token(secrets, user.tenant_id, user.user_id)

    # The tab is signed in (session storage): the confirmation page, then its button.
    page.goto(unsubscribe_url(stack.api_url, token))
    page.get_by_role("button", name="Turn off reminder emails").click()
    expect(page.get_by_role("heading", name="You're unsubscribed")).to_be_visible()
    assert saved_settings(stack, user.token)["reminders_enabled"] is False

    page.get_by_role("link", name="Choose when and how often").click()
    board.wait_loaded()
    board.wait_settings()
    expect(board.setting("reminders_enabled")).not_to_be_checked()

    board.setting("reminders_enabled").check()
    board.save_settings()
    expect(board.settings.get_by_test_id("settings-saved")).to_have_text("Settings saved.")
    assert saved_settings(stack, user.token)["reminders_enabled"] is True


def test_a_new_reminder_address_waits_for_the_link_emailed_to_it(
    page: Page, stack: DevStack
) -> None:
    user = new_user(stack, "settings-mover")
    board = Dashboard(page, stack).open(user.dashboard_url)
    board.open_settings()
    expect(board.setting("email")).to_have_value("settings-mover@rapport.example")

    board.setting("email").fill("settings-mover.new@rapport.example")
    board.save_settings()

    saved = board.settings.get_by_test_id("settings-saved")
    expect(saved).to_contain_text(
        "We emailed a confirmation link to settings-mover.new@rapport.example"
    )
    expect(board.settings.get_by_test_id("settings-pending-email")).to_be_visible()
    settings = saved_settings(stack, user.token)
    assert settings["email"] == "settings-mover@rapport.example", "unchanged until the link"
    assert settings["pending_email"] == "settings-mover.new@rapport.example"
