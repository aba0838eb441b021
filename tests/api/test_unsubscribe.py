"""`GET|POST /unsubscribe?token=…`: the link in every reminder email, end to end through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlparse

import pytest

from chalicelib.bootstrap import Services
from chalicelib.reminders.unsubscribe import make_unsubscribe_token
from chalicelib.settings import Settings
from tests.api.conftest import Api, body_of
from tests.reminders.html_text import visible_text
from tests.reminders.sweep_support import World

FRIDAY_9 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ONE_CLICK = b"List-Unsubscribe=One-Click"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def world(api: Api, services: Services) -> World:
    return World(services, api.clock)


def link_for(settings: Settings, tenant: str = "acme", user: str = "ada") -> str:
    token = make_unsubscribe_token(settings.unsubscribe_secret or "", tenant, user)
    return f"/unsubscribe?{urlencode({'token': token})}"


def reminders_enabled(api: Api, token: str) -> bool:
    return bool(body_of(api.call("GET", "/me/settings", token=token))["reminders_enabled"])


def test_the_link_in_a_reminder_email_unsubscribes_in_one_click_and_nothing_more_is_sent(
    api: Api, world: World
) -> None:
    # Given a reminder email for a contact added through the API
    ada = api.token()
    name = "<script>alert(1)</script> Ada"
    assert api.call("POST", "/contacts", {"name": name}, token=ada).status_code == 201
    world.sweep(FRIDAY_9)
    [email] = world.emails()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    link = urlparse(email.header("List-Unsubscribe").strip("<>"))

    # When the mail client posts the RFC 8058 one-click request to that link
    response = api.call("POST", f"{link.path}?{link.query}", raw=ONE_CLICK, headers=FORM)

    # Then reminders are off at once, and the next due reminders send nothing
    ada = api.token()  # the clock moved on: a fresh token
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "You're unsubscribed" in visible_text(response.body.decode())
    assert reminders_enabled(api, ada) is False
    assert api.call("POST", "/contacts", {"name": "Ben Ortiz"}, token=ada).status_code == 201
    later = world.sweep(FRIDAY_9 + timedelta(days=1))
    assert (later.emails, len(world.emails())) == (0, 1)


def test_the_link_shows_a_confirmation_page_that_changes_nothing(api: Api, world: World) -> None:
    ada = api.token()
    link = link_for(api.settings)

    response = api.call("GET", link)

    page = response.body.decode()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert '<form method="post" action="unsubscribe?token=' in page
    assert link.removeprefix("/") in page
    # Beside the button, the way to fewer reminders instead of none: the dashboard's settings.
    assert '<a href="./#/settings">' in page
    assert reminders_enabled(api, ada) is True


def test_the_confirmation_pages_button_turns_reminders_off(api: Api, world: World) -> None:
    ada = api.token()
    assert reminders_enabled(api, ada) is True

    response = api.call("POST", link_for(api.settings), raw=ONE_CLICK, headers=FORM)

    assert response.status_code == 200
    assert reminders_enabled(api, ada) is False
    assert '<a href="./#/settings">' in response.body.decode()


def test_a_token_only_unsubscribes_the_user_it_was_made_for(api: Api, world: World) -> None:
    ada, bob = api.token(user="ada"), api.token(user="bob")
    api.call("GET", "/me/settings", token=ada)

    api.call("POST", link_for(api.settings, user="bob"), raw=ONE_CLICK, headers=FORM)

    assert (reminders_enabled(api, ada), reminders_enabled(api, bob)) == (True, False)


def forged_links(settings: Settings) -> dict[str, str]:
    genuine = make_unsubscribe_token(settings.unsubscribe_secret or "", "acme", "bob")
    version, payload, signature = genuine.split(".")
    ada_payload = make_unsubscribe_token("any", "acme", "ada").split(".")[1]
    return {
        "another user's payload under bob's signature": f"{version}.{ada_payload}.{signature}",
        "signed with another secret": make_unsubscribe_token("guessed-secret", "acme", "ada"),
        "a flipped signature": f"{version}.{payload}.{signature[::-1]}",
        "no token at all": "",
        "gibberish": "<script>alert(1)</script>",
    }


@pytest.mark.parametrize("case", list(forged_links(Settings(unsubscribe_secret="x"))))
def test_a_forged_or_missing_token_is_refused_without_changing_anything(
    api: Api, world: World, case: str
) -> None:
    ada = api.token()
    token = forged_links(api.settings)[case]
    path = f"/unsubscribe?{urlencode({'token': token})}" if token else "/unsubscribe"

    posted = api.call("POST", path, raw=ONE_CLICK, headers=FORM)
    shown = api.call("GET", path)

    assert posted.status_code == 400
    assert body_of(posted)["error"]["code"] == "invalid_token"
    assert shown.status_code == 400
    assert shown.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<script>" not in shown.body.decode()
    assert reminders_enabled(api, ada) is True
