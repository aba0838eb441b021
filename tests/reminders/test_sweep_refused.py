"""A refused address (issue 14, item 5): the claims go back at once, the sweep reports it, and
no reminder is ever recorded as sent without having been sent; each later sweep tries again
and reports it again, until the address changes."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from chalicelib.adapters.memory_mailer import MemoryMailer
from chalicelib.auth.identity import Identity
from chalicelib.clock import FixedClock
from chalicelib.domain.vocabulary import Action
from chalicelib.reminders.mailer import MailRejectedError
from chalicelib.settings import Settings
from tests.reminders.sweep_support import T0, World, utc

FRIDAY_9 = utc("2026-11-27T09:00")
QUARTER = timedelta(minutes=15)


@pytest.fixture
def world(settings: Settings, clock: FixedClock) -> World:
    return World.in_memory(settings, clock)


def _mailer(world: World) -> MemoryMailer:
    mailer = world.services.mailer
    assert isinstance(mailer, MemoryMailer)
    return mailer


def _two_contacts(world: World) -> tuple[Identity, list[str]]:
    who = world.user("ada", timezone="UTC")
    return who, [world.add(who, name="Ben Ortiz"), world.add(who, name="Cy Dunn")]


def test_a_refused_email_gives_its_claims_back_is_reported_and_is_never_recorded(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    who, contacts = _two_contacts(world)
    _mailer(world).fail_with = MailRejectedError("SES rejected the email", "MessageRejected")

    with caplog.at_level(logging.WARNING):
        refused = world.sweep(FRIDAY_9)

    assert (refused.emails, refused.refused, refused.failed, refused.recorded) == (0, 2, 0, 0)
    assert "2 refused" in refused.line()
    assert refused.summary()["refused"] == 2
    assert "refused" in caplog.text
    assert "MessageRejected" in caplog.text or "SES rejected" in caplog.text
    assert all(world.reminders_recorded(who, c) == [] for c in contacts)
    # The claims went back: nothing holds them, so nothing is ever recorded as sent for them.
    claims = world.services.view_store
    assert [claims.claim(r.key, "probe", FRIDAY_9) for r in claims.due(FRIDAY_9, 10)] == [
        None,
        None,
    ]


def test_each_later_sweep_tries_again_reports_again_and_records_nothing(world: World) -> None:
    who, contacts = _two_contacts(world)
    _mailer(world).fail_with = MailRejectedError("SES rejected the email", "MessageRejected")

    reports = [world.sweep(FRIDAY_9 + n * QUARTER) for n in range(4)]  # past `stuck_after`

    assert [r.refused for r in reports] == [2, 2, 2, 2]
    assert sum(r.recorded for r in reports) == 0
    assert all(world.reminders_recorded(who, c) == [] for c in contacts)


def test_once_the_address_is_accepted_again_each_reminder_goes_out_once(world: World) -> None:
    who, contacts = _two_contacts(world)
    mailer = _mailer(world)
    mailer.fail_with = MailRejectedError("SES rejected the email", "MessageRejected")
    world.sweep(FRIDAY_9)

    mailer.fail_with = None
    delivered = world.sweep(FRIDAY_9 + QUARTER)

    assert (delivered.emails, len(delivered.sent), delivered.refused) == (1, 2, 0)
    for contact in contacts:
        recorded = world.reminders_recorded(who, contact)
        assert [(r.action, r.due_at) for r in recorded] == [(Action.REACH_OUT, T0)]


def test_an_address_saved_before_the_rule_is_never_recorded_as_sent(
    world: World,
) -> None:
    # An address saved before the rule tightened, as a store could still hand it back.
    who, contacts = _two_contacts(world)
    repository = world.services.adapters.settings_store
    saved = repository.get("acme", "ada")
    assert saved is not None
    repository.put(
        "acme", "ada", saved.model_construct(**{**saved.model_dump(), "email": "x@q.r,y"})
    )

    report = world.sweep(FRIDAY_9)

    # The digest refuses the address before the mailer sees it: the claims go back, the
    # user's sweep is reported as failed (logged with its traceback), nothing is recorded.
    assert (report.recorded, report.refused, report.errors) == (0, 0, 1)
    claims = world.services.view_store
    assert all(claims.claim(r.key, "probe", FRIDAY_9) is None for r in claims.due(FRIDAY_9, 10))
    assert _mailer(world).sent == []
    assert all(world.reminders_recorded(who, c) == [] for c in contacts)


def test_a_contacts_hostile_name_reaches_the_subject_stripped(world: World) -> None:
    who = world.user("ada", timezone="UTC")
    world.add(who, name="Ben\x00 Ortiz\x1b[2J\r\nBcc: victim@example.com\u202e")

    world.sweep(FRIDAY_9)

    [email] = world.emails()
    assert email.header("Subject") == "Reach out to Ben Ortiz[2J Bcc: victim@example.com"
    assert email.message["Bcc"] is None
    assert "\x00" not in email.text
    assert "\x1b" not in email.text
