"""A sweep emails what fell due; the email lands in the outbox and its link opens the contact."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage

import pytest
from playwright.sync_api import Page, expect

from chalicelib.devstack.demo_data import DEMO_USER
from chalicelib.devstack.stack import DevStack
from tests.browser.dashboard import Dashboard, local_input

pytestmark = pytest.mark.browser

NAME = "Tomas Berg"


def emails_naming(stack: DevStack, name: str) -> list[EmailMessage]:
    found = []
    for path in stack.outbox_messages():
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        if name in str(message["Subject"]):
            found.append(message)
    return found


def test_a_sweep_emails_the_follow_up_of_an_old_outreach_and_its_link_opens_the_contact(
    page: Page, stack: DevStack
) -> None:
    board = Dashboard(page, stack).open()
    contact_id = board.add_contact(NAME, company="Litware", role="Recruiter")
    board.open_contact(contact_id)
    # Logged as twenty days old, the outreach's follow-up fell due days ago: the sweep sends it.
    board.fill_step("outreach_sent")
    board.step_form.get_by_label("When it happened").fill(
        local_input(datetime.now(UTC) - timedelta(days=20))
    )
    board.submit_step()
    # The timeline is in the order things happened: the backdated outreach comes before the
    # contact's adding today.
    expect(board.events().first).to_have_attribute("data-event-type", "outreach_sent")
    board.close_contact()

    stack.sweep_now()

    sent = emails_naming(stack, NAME)
    assert len(sent) == 1, "one reminder, however many sweeps ran"
    reminder = sent[0]
    assert reminder["To"] == DEMO_USER.email
    # Other tests share the stack and may leave steps due: the email is a digest that names
    # this contact, and its item for it says what to do.
    assert NAME in reminder["Subject"]
    assert reminder["List-Unsubscribe"].startswith(f"<{stack.api_url}/unsubscribe?token=")
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = reminder.get_body(("plain",))
    assert plain is not None
    assert f"Follow up with {NAME}" in plain.get_content()
    link = re.search(rf"{re.escape(stack.api_url)}/#/contacts/{contact_id}\S*", plain.get_content())
    assert link is not None, "the email links to the contact"

    # Followed from a mail client, the link opens a new tab: sign in, and the contact is shown.
    tab = page.context.new_page()
    fresh = Dashboard(tab, stack)
    tab.goto(link[0])
    fresh.by_id("token-input").fill(stack.token)
    fresh.by_id("token-submit").click()
    expect(fresh.dialog.get_by_test_id("contact-name")).to_have_text(NAME)
    expect(fresh.dialog.get_by_test_id("contact-next-action")).to_contain_text("Follow up")
    expect(fresh.dialog.get_by_test_id("timeline")).to_contain_text("Reminder emailed")
