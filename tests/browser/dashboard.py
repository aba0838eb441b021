"""The dashboard as a person uses it, reached through the page's data-testid attributes.

Tests read as the steps a user takes; the selectors live here, once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from playwright.sync_api import Locator, Page, expect

from chalicelib.auth.minting import LOCAL_AUDIENCE, LOCAL_ISSUER, mint_token
from chalicelib.devstack.stack import DevStack

StepFill = Callable[[Locator], None]


def local_input(moment: datetime) -> str:
    """The value a datetime-local input takes; the tests' browser runs in UTC."""
    return moment.strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class User:
    """Someone other than the demo user, on the shared stack: a test that changes settings or
    needs a board of its own contacts only signs in as one, and other tests never see it."""

    tenant_id: str
    user_id: str
    token: str
    dashboard_url: str


def new_user(stack: DevStack, user_id: str) -> User:
    """A token for `user_id` (its own tenant too) that the stack accepts, and its dashboard URL."""
    tenant_id = f"browser-{user_id}"
    token = mint_token(
        stack.settings.auth_jwt_secret or "",
        tenant=tenant_id,
        user=user_id,
        email=f"{user_id}@rapport.example",
        ttl_seconds=3600,
        now=datetime.now(UTC),
        issuer=stack.settings.auth_issuer or LOCAL_ISSUER,
        audience=stack.settings.auth_audience or LOCAL_AUDIENCE,
    )
    return User(tenant_id, user_id, token, f"{stack.api_url}/#token={token}")


class Dashboard:
    """One tab showing the dashboard of `stack`, signed in with its demo token."""

    def __init__(self, page: Page, stack: DevStack) -> None:
        self.page = page
        self.stack = stack

    def by_id(self, test_id: str) -> Locator:
        return self.page.get_by_test_id(test_id)

    # -- loading -----------------------------------------------------------------------------

    def open(self, url: str | None = None) -> Dashboard:
        """Opens the printed dashboard URL (token in the fragment) and waits for the first load."""
        self.page.goto(url or self.stack.dashboard_url)
        self.wait_loaded()
        return self

    def wait_loaded(self) -> None:
        expect(self.by_id("last-updated")).to_contain_text("Updated")

    def reload_projected(self) -> None:
        """Reloads once the projections hold every write so far.

        A reloaded tab has forgotten the contacts it wrote, so the board then shows what the
        read models say, and nothing else.
        """
        self.stack.drain()
        self.page.reload()
        self.wait_loaded()

    def refresh_projected(self) -> None:
        """Asks for fresh data once the projections hold every write (the Refresh button)."""
        self.stack.drain()
        self.by_id("refresh").click()

    # -- board -------------------------------------------------------------------------------

    def column(self, status: str) -> Locator:
        return self.by_id(f"column-{status}")

    def card(self, contact_id: str) -> Locator:
        return self.by_id(f"card-{contact_id}")

    def card_named(self, name: str) -> Locator:
        return self.by_id("board").locator(".card", has_text=name)

    def contact_id_of(self, name: str) -> str:
        card = self.card_named(name)
        expect(card).to_have_count(1)
        contact_id = card.get_attribute("data-contact-id")
        assert contact_id, f"the card of {name} carries no contact id"
        return contact_id

    def expect_in_column(self, contact_id: str, status: str) -> None:
        expect(self.column(status).get_by_test_id(f"card-{contact_id}")).to_be_visible()

    # -- adding a contact --------------------------------------------------------------------

    def submit_contact(self, **fields: str) -> None:
        """Fills the "Add a contact" form (field name → text) and submits it."""
        form = self.by_id("add-contact-form")
        for name, value in fields.items():
            control = form.get_by_test_id(f"field-{name}")
            if name == "source":
                control.select_option(value)
            else:
                control.fill(value)
        form.get_by_test_id("add-contact-submit").click()

    def add_contact(self, name: str, **fields: str) -> str:
        """Adds a contact through the form; returns its id, read from its new card."""
        self.submit_contact(name=name, **fields)
        expect(self.by_id("add-contact-alert")).to_be_hidden()
        return self.contact_id_of(name)

    # -- the contact dialog ------------------------------------------------------------------

    @property
    def dialog(self) -> Locator:
        return self.by_id("contact-dialog")

    @property
    def step_form(self) -> Locator:
        return self.dialog.get_by_test_id("step-form")

    def open_contact(self, contact_id: str, *, with_form: bool = True) -> Locator:
        """Opens a contact from its card and waits until its details are shown and, unless
        `with_form` is False (an archived contact accepts no step in the form), its step form."""
        self.card(contact_id).click()
        expect(self.dialog).to_be_visible()
        if with_form:
            expect(self.step_form.get_by_test_id("step-submit")).to_be_visible()
        else:
            expect(self.status()).to_be_visible()
        return self.dialog

    def status(self) -> Locator:
        return self.dialog.get_by_test_id("contact-status")

    def next_action(self) -> Locator:
        return self.dialog.get_by_test_id("contact-next-action")

    def event_of(self, step: str) -> Locator:
        return self.events().and_(self.page.locator(f'[data-event-type="{step}"]'))

    # -- one-click steps ---------------------------------------------------------------------

    @property
    def undo_button(self) -> Locator:
        return self.dialog.get_by_test_id("undo-step")

    @property
    def reopen_button(self) -> Locator:
        return self.dialog.get_by_test_id("reopen-contact")

    @property
    def snooze_button(self) -> Locator:
        return self.dialog.get_by_test_id("snooze-action")

    def close_contact(self) -> None:
        self.dialog.get_by_test_id("close-dialog").click()
        expect(self.dialog).to_be_hidden()

    def events(self) -> Locator:
        return self.dialog.get_by_test_id("timeline").locator("li.event")

    def event_types(self) -> list[str]:
        return [item.get_attribute("data-event-type") or "" for item in self.events().all()]

    def fill_step(self, step: str, fill: StepFill | None = None) -> None:
        """Chooses `step` in the open dialog's step form and lets `fill` complete its fields."""
        self.step_form.get_by_test_id("step-type").select_option(step)
        if fill is not None:
            fill(self.step_form)

    def submit_step(self) -> None:
        self.step_form.get_by_test_id("step-submit").click()

    def log_step(self, contact_id: str, step: str, fill: StepFill | None = None) -> None:
        """Opens the contact, logs `step`, waits for it to end the timeline, closes the dialog."""
        self.open_contact(contact_id)
        self.fill_step(step, fill)
        self.submit_step()
        expect(self.events().last).to_have_attribute("data-event-type", step)
        expect(self.dialog.get_by_test_id("step-form-alert")).to_be_hidden()
        self.close_contact()

    # -- settings, search and export ---------------------------------------------------------

    @property
    def settings(self) -> Locator:
        return self.by_id("settings-dialog")

    @property
    def settings_form(self) -> Locator:
        return self.settings.get_by_test_id("settings-form")

    def open_settings(self) -> Locator:
        """Opens the settings from the header and waits until they are loaded into the form."""
        self.by_id("open-settings").click()
        return self.wait_settings()

    def wait_settings(self) -> Locator:
        expect(self.settings).to_be_visible()
        expect(self.settings_form.get_by_test_id("settings-submit")).to_be_visible()
        return self.settings_form

    def setting(self, name: str) -> Locator:
        return self.settings_form.get_by_test_id(f"field-{name}")

    def save_settings(self) -> None:
        self.settings_form.get_by_test_id("settings-submit").click()

    def close_settings(self) -> None:
        self.settings.get_by_test_id("close-settings").click()
        expect(self.settings).to_be_hidden()

    def search(self, text: str) -> None:
        """Types into the board's search box key by key, as a person does."""
        box = self.by_id("search-input")
        box.clear()
        box.press_sequentially(text, delay=30)

    # -- summary -----------------------------------------------------------------------------

    def funnel_value(self, stage: str) -> Locator:
        """The number drawn next to a funnel bar: reached-out, replied or interviewed."""
        return self.by_id(f"funnel-{stage}").locator(".funnel-value")

    def funnel_numbers(self) -> dict[str, int]:
        stages = ("reached-out", "replied", "interviewed")
        return {stage: int(self.funnel_value(stage).text_content() or "") for stage in stages}

    # -- integrations and import -------------------------------------------------------------

    def close_integrations(self) -> None:
        dialog = self.by_id("integrations-dialog")
        dialog.get_by_test_id("close-integrations").click()
        expect(dialog).to_be_hidden()

    def close_import(self) -> None:
        dialog = self.by_id("import-dialog")
        dialog.get_by_test_id("close-import").click()
        expect(dialog).to_be_hidden()
