"""`GET|POST /snooze?token=…`: each item of a reminder email snoozes in one click, end to end:
contacts added through the API, the real sweep and SES (moto), then the link from the email."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from chalicelib.bootstrap import Services
from chalicelib.domain import events as ev
from chalicelib.domain.vocabulary import Action
from chalicelib.eventstore.port import StoredEvent, StreamId
from chalicelib.reminders.unsubscribe import accepted_secrets, make_unsubscribe_token
from chalicelib.service.email_snoozes import SNOOZE_FOR, EmailSnoozes
from chalicelib.service.snooze_links import SnoozeLinks
from tests.api.conftest import Api, body_of
from tests.api.snooze_link_support import snooze_path, snooze_paths_in, snooze_token
from tests.reminders.html_text import links, visible_text
from tests.reminders.sweep_support import World

# The sweep runs in ada's reminder window (09:00 UTC by default) the morning after T0.
FRIDAY_9 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def world(api: Api, services: Services) -> World:
    return World(services, api.clock)


def add_contact(api: Api, name: str, user: str = "ada", tenant: str = "acme") -> str:
    created = api.call("POST", "/contacts", {"name": name}, token=api.token(tenant, user))
    assert created.status_code == 201, body_of(created)
    return str(body_of(created)["contact_id"])


def events_of(services: Services, contact_id: str, tenant: str = "acme") -> tuple[StoredEvent, ...]:
    return services.event_store.load(StreamId(tenant, contact_id)).events


def snoozes_of(services: Services, contact_id: str) -> list[ev.ReminderSnoozed]:
    return [
        ev.ReminderSnoozed.model_validate(event.data)
        for event in events_of(services, contact_id)
        if event.type == ev.ReminderSnoozed.event_type
    ]


def post(api: Api, path: str) -> Any:
    return api.call("POST", path, headers=FORM, raw=b"")


def emailed_links(api: Api, world: World, *names: str) -> dict[str, str]:
    """Each contact's snooze link from the one email the morning sweep sends ada."""
    ids = {add_contact(api, name): name for name in names}
    world.sweep(FRIDAY_9)
    [email] = world.emails()
    paths = snooze_paths_in(email.text)
    by_contact = {}
    for path in paths:
        [token] = parse_qs(urlparse(path).query)["token"]
        read = world.services.email_snoozes.check(token).link
        by_contact[read.contact_id] = path
    assert set(by_contact) == set(ids)
    return by_contact


def test_every_item_of_a_reminder_email_carries_its_own_snooze_link(api: Api, world: World) -> None:
    ben, cy = add_contact(api, "Ben Ortiz"), add_contact(api, "Cy Moreau")

    world.sweep(FRIDAY_9)

    [email] = world.emails()
    text_paths = snooze_paths_in(email.text)
    html_links = [link for link in links(email.html) if "/snooze?token=" in link]
    assert len(set(text_paths)) == len(text_paths) == 2
    assert email.text.count("Not now? Snooze 3 days: https://app.rapport.example/snooze?") == 2
    assert [urlparse(link).query for link in html_links] == [
        urlparse(path).query for path in text_paths
    ]
    assert visible_text(email.html).count("Not now? Snooze 3 days") == 2
    # Each names its item's contact and action, for ada of acme, and nothing else.
    read = [
        world.services.email_snoozes.check(parse_qs(urlparse(p).query)["token"][0]).link
        for p in text_paths
    ]
    assert {(r.tenant_id, r.user_id, r.contact_id, r.action) for r in read} == {
        ("acme", "ada", ben, Action.REACH_OUT),
        ("acme", "ada", cy, Action.REACH_OUT),
    }


def test_the_links_page_shows_what_it_would_snooze_and_writes_nothing(
    api: Api, world: World
) -> None:
    [(contact, path)] = emailed_links(api, world, "<b>Ben</b> Ortiz").items()
    before = events_of(world.services, contact)

    response = api.call("GET", path)

    page = response.body.decode()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert '<form method="post" action="snooze?token=' in page
    assert path.removeprefix("/") in page.replace("&amp;", "&")
    assert "<b>Ben</b>" not in page
    assert "&lt;b&gt;Ben&lt;/b&gt;" in page
    shown = visible_text(page)
    assert "reach out (<b>Ben</b> Ortiz) again on Mon 30 Nov 2026 at 09:00 (UTC)" in shown
    assert events_of(world.services, contact) == before


def test_posting_the_link_snoozes_the_step_3_days_and_the_next_action_moves(
    api: Api, world: World
) -> None:
    [(contact, path)] = emailed_links(api, world, "Ben Ortiz").items()
    now = api.clock.now()

    response = post(api, path)

    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Snoozed" in visible_text(response.body.decode())
    [snoozed] = snoozes_of(world.services, contact)
    assert snoozed.until == now + SNOOZE_FOR
    assert snoozed.action is Action.REACH_OUT
    assert snoozed.due_at is not None
    assert events_of(world.services, contact)[-1].owner_id == "ada"
    shown = body_of(api.call("GET", f"/contacts/{contact}", token=api.token()))
    assert shown["next_action"]["action"] == "reach_out"
    assert datetime.fromisoformat(shown["next_action"]["due_at"]) >= now + timedelta(days=3)
    # ... and the next morning's sweep says nothing about it
    emails_before = len(world.emails())
    world.sweep(FRIDAY_9 + timedelta(days=1))
    assert len(world.emails()) == emails_before


def test_the_same_link_posted_twice_records_one_snooze_even_days_later(
    api: Api, world: World
) -> None:
    [(contact, path)] = emailed_links(api, world, "Ben Ortiz").items()
    first = post(api, path)
    after_first = events_of(world.services, contact)

    again = post(api, path)
    api.clock.advance(timedelta(days=2))  # past the idempotency key's 24 hours
    later = post(api, path)
    shown = api.call("GET", path)

    assert (first.status_code, again.status_code, later.status_code) == (200, 200, 200)
    assert events_of(world.services, contact) == after_first
    assert len(snoozes_of(world.services, contact)) == 1
    for response in (again, later, shown):
        assert "again on Mon 30 Nov 2026 at 09:00" in visible_text(response.body.decode())
    assert "<form" not in shown.body.decode()


def test_two_posts_of_one_link_at_once_record_one_snooze(api: Api, world: World) -> None:
    [(contact, path)] = emailed_links(api, world, "Ben Ortiz").items()
    [token] = parse_qs(urlparse(path).query)["token"]
    services = world.services

    class RacedCommands:
        """The other POST lands after this one read the contact, before it writes."""

        def record_step(self, *args: Any, **kwargs: Any) -> Any:
            services.email_snoozes.snooze(token)
            return services.commands.record_step(*args, **kwargs)

    links = SnoozeLinks(accepted_secrets(api.settings.unsubscribe_secret), "https://x.example")
    raced: Any = RacedCommands()
    slow = EmailSnoozes(links, raced, services.event_store, services.settings_repository, api.clock)

    answer = slow.snooze(token)

    [snoozed] = snoozes_of(services, contact)
    assert answer.until == snoozed.until == api.clock.now() + SNOOZE_FOR


def _forged(api: Api, contact: str) -> dict[str, str]:
    genuine = snooze_token(api.settings, "acme", "ada", contact, Action.REACH_OUT, api.clock.now())
    version, payload, signature = genuine.split(".")
    other = snooze_token(api.settings, "acme", "ada", "f" * 32, Action.REACH_OUT, api.clock.now())
    return {
        "another contact's payload under this signature": (
            f"{version}.{other.split('.')[1]}.{signature}"
        ),
        "signed with another secret": SnoozeLinks(("guessed",), "https://x.example").token(
            "acme", "ada", contact, Action.REACH_OUT, api.clock.now()
        ),
        "a flipped signature": f"{version}.{payload}.{signature[::-1]}",
        "an unsubscribe token": make_unsubscribe_token(
            api.settings.unsubscribe_secret or "", "acme", "ada"
        ),
        "no token at all": "",
        "gibberish": "<script>alert(1)</script>",
    }


@pytest.mark.parametrize(
    "case",
    [
        "another contact's payload under this signature",
        "signed with another secret",
        "a flipped signature",
        "an unsubscribe token",
        "no token at all",
        "gibberish",
    ],
)
def test_a_forged_altered_or_missing_token_is_a_400_that_writes_nothing(
    api: Api, world: World, case: str
) -> None:
    contact = add_contact(api, "Ben Ortiz")
    before = events_of(world.services, contact)
    token = _forged(api, contact)[case]
    path = snooze_path(token) if token else "/snooze"

    posted = post(api, path)
    shown = api.call("GET", path)

    assert posted.status_code == 400
    assert body_of(posted)["error"]["code"] == "invalid_token"
    assert shown.status_code == 400
    assert shown.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<script>" not in shown.body.decode()
    assert events_of(world.services, contact) == before


def test_a_link_expires_30_days_after_its_email(api: Api, world: World) -> None:
    [(contact, path)] = emailed_links(api, world, "Ben Ortiz").items()
    before = events_of(world.services, contact)

    api.clock.set(FRIDAY_9 + timedelta(days=30))
    posted = post(api, path)
    shown = api.call("GET", path)

    assert (posted.status_code, shown.status_code) == (400, 400)
    assert body_of(posted)["error"]["code"] == "invalid_token"
    assert "expired" in visible_text(shown.body.decode())
    assert events_of(world.services, contact) == before


@pytest.mark.parametrize(
    ("tenant", "user"), [("globex", "ada"), ("acme", "bob")], ids=["tenant", "user"]
)
def test_a_link_for_another_tenant_or_user_cannot_reach_the_contact(
    api: Api, world: World, tenant: str, user: str
) -> None:
    # A genuine link, but made for someone else with ada's contact id in it.
    contact = add_contact(api, "Ben Ortiz")
    before = events_of(world.services, contact)
    token = snooze_token(api.settings, tenant, user, contact, Action.REACH_OUT, api.clock.now())

    posted = post(api, snooze_path(token))
    shown = api.call("GET", snooze_path(token))

    assert posted.status_code == 404
    assert body_of(posted)["error"]["code"] == "not_found"
    assert shown.status_code == 404
    assert events_of(world.services, contact) == before
    assert not events_of(world.services, contact, tenant="globex")


def test_a_link_whose_step_was_done_since_snoozes_nothing_and_says_so(
    api: Api, world: World
) -> None:
    [(contact, path)] = emailed_links(api, world, "Ben Ortiz").items()
    done = api.call(
        "POST", f"/contacts/{contact}/events", {"type": "outreach_sent"}, token=api.token()
    )
    assert done.status_code == 201, body_of(done)
    before = events_of(world.services, contact)

    shown = api.call("GET", path)
    posted = post(api, path)

    assert shown.status_code == 409
    assert "nothing to snooze" in visible_text(shown.body.decode())
    assert "<form" not in shown.body.decode()
    assert posted.status_code == 409
    assert body_of(posted)["error"]["code"] == "nothing_to_snooze"
    assert events_of(world.services, contact) == before


def test_a_link_to_an_erased_contact_snoozes_nothing(api: Api, world: World) -> None:
    [(contact, path)] = emailed_links(api, world, "Ben Ortiz").items()
    erased = api.call("DELETE", f"/contacts/{contact}", token=api.token())
    assert erased.status_code == 204
    before = events_of(world.services, contact)

    shown = api.call("GET", path)
    posted = post(api, path)

    assert (shown.status_code, posted.status_code) == (404, 404)
    assert "no longer in Rapport" in visible_text(shown.body.decode())
    assert events_of(world.services, contact) == before
