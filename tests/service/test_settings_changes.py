"""The settings service on in-memory adapters: the confirmation link goes out through the
mailer port, its check reads only, and only its POST moves the reminder address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from chalicelib.adapters.memory_mailer import MemoryMailer
from chalicelib.auth.identity import Identity
from chalicelib.bootstrap import Services, in_memory
from chalicelib.clock import FixedClock
from chalicelib.domain.user_settings import LinkState
from chalicelib.service.email_links import EmailLinkError
from chalicelib.service.settings_changes import EmailLinkSupersededError
from chalicelib.settings import Settings
from tests.reminders.mime_reading import read_email

ADA = Identity(user_id="ada", tenant_id="acme", email="ada@example.com")
NEW = "ada@new.example"
_TOKEN = re.compile(r"confirm-email\?token=(\S+)")


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Services:
    return in_memory(settings, clock=clock, sleep=lambda _: None)


def _token(services: Services, to: str = NEW) -> str:
    mailer = services.mailer
    assert isinstance(mailer, MemoryMailer)
    sent = [read_email(email.raw) for email in mailer.sent if email.to == to]
    match = _TOKEN.search(sent[-1].text)
    assert match is not None
    return match.group(1)


def test_a_new_address_is_emailed_a_link_and_waits(services: Services) -> None:
    view = services.settings_changes.update(ADA, {"email": NEW})

    assert view.settings.email == ADA.email
    assert view.pending is not None
    assert view.pending.email == NEW
    mailer = services.mailer
    assert isinstance(mailer, MemoryMailer)
    assert [email.to for email in mailer.sent] == [NEW]


def test_checking_the_link_changes_nothing_and_confirming_it_moves_the_address(
    services: Services,
) -> None:
    changes = services.settings_changes
    changes.update(ADA, {"email": NEW})
    token = _token(services)

    assert changes.check(token).state is LinkState.CONFIRMABLE
    assert changes.current("acme", "ada").settings.email == ADA.email

    assert changes.confirm(token).state is LinkState.CONFIRMED
    after = changes.current("acme", "ada")
    assert (after.settings.email, after.pending) == (NEW, None)
    assert changes.confirm(token).state is LinkState.CONFIRMED  # a second click


def test_an_expired_link_proves_nothing(services: Services, clock: FixedClock) -> None:
    services.settings_changes.update(ADA, {"email": NEW})
    token = _token(services)
    clock.advance(timedelta(hours=24))

    with pytest.raises(EmailLinkError):
        services.settings_changes.confirm(token)
    assert services.settings_changes.current("acme", "ada").settings.email == ADA.email


def test_a_replaced_request_s_link_is_superseded(services: Services) -> None:
    changes = services.settings_changes
    changes.update(ADA, {"email": "first@new.example"})
    first = _token(services, "first@new.example")
    changes.update(ADA, {"email": NEW})

    with pytest.raises(EmailLinkSupersededError):
        changes.confirm(first)
    assert changes.current("acme", "ada").pending is not None
    assert changes.confirm(_token(services)).link.email == NEW
