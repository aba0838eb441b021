"""Snooze links name one tenant, user, contact and action; only the secret can make or bend
one, no other kind of link reads as one, and each stops working 30 days after its email."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.clock import FixedClock
from chalicelib.domain.user_settings import PendingEmail
from chalicelib.domain.vocabulary import Action
from chalicelib.reminders.unsubscribe import make_unsubscribe_token
from chalicelib.service.email_links import EmailLinks
from chalicelib.service.snooze_links import (
    CONTEXT,
    VALID_FOR,
    SnoozeLink,
    SnoozeLinkError,
    SnoozeLinks,
)

SECRET = "current-secret"
OLD_SECRET = "retired-secret"
SENT_AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LINK = SnoozeLink("acme", "ada", "c0ffee", Action.FOLLOW_UP)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(SENT_AT)


def _links(*secrets: str) -> SnoozeLinks:
    return SnoozeLinks(secrets or (SECRET,), "https://app.rapport.example/")


def _token(links: SnoozeLinks | None = None, link: SnoozeLink = LINK) -> str:
    made = links or _links()
    return made.token(link.tenant_id, link.user_id, link.contact_id, link.action, SENT_AT)


def _signed(claims: Mapping[str, object], secret: str = SECRET, context: str = CONTEXT) -> str:
    """A token as only a holder of the secret could make it, with any claims at all."""
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    digest = hmac.new(secret.encode(), f"{context}.{payload}".encode(), hashlib.sha256).digest()
    return f"v1.{payload}.{base64.urlsafe_b64encode(digest).rstrip(b'=').decode()}"


def test_a_link_round_trips_to_its_tenant_user_contact_and_action(clock: FixedClock) -> None:
    url = _links().url("acme", "ada", "c0ffee", Action.FOLLOW_UP, SENT_AT)

    assert url.startswith("https://app.rapport.example/snooze?token=v1.")
    [token] = parse_qs(urlsplit(url).query)["token"]
    assert _links().read(token, clock.now()) == LINK


@pytest.mark.parametrize(
    "other",
    [
        SnoozeLink("acme", "bob", "c0ffee", Action.FOLLOW_UP),
        SnoozeLink("globex", "ada", "c0ffee", Action.FOLLOW_UP),
        SnoozeLink("acme", "ada", "beef", Action.FOLLOW_UP),
        SnoozeLink("acme", "ada", "c0ffee", Action.MOVE_ON),
    ],
    ids=["another user", "another tenant", "another contact", "another action"],
)
def test_a_signature_moved_onto_another_payload_is_rejected(
    clock: FixedClock, other: SnoozeLink
) -> None:
    version, _, signature = _token().split(".")
    payload = _token(link=other).split(".")[1]

    with pytest.raises(SnoozeLinkError):
        _links().read(f"{version}.{payload}.{signature}", clock.now())


def test_a_link_signed_with_another_secret_is_rejected(clock: FixedClock) -> None:
    with pytest.raises(SnoozeLinkError):
        _links().read(_token(_links("guessed-secret")), clock.now())


@pytest.mark.parametrize(
    "damage",
    [
        lambda token: token[:-1],
        lambda token: token.rsplit(".", 1)[0],
        lambda token: token + "A",
        lambda token: token[:-1] + ("B" if token[-1] != "B" else "C"),
        lambda token: "v2" + token[2:],
        lambda token: "",
        lambda token: "v1.é.x",
        lambda token: "v1." + "A" * 5000 + ".sig",
    ],
    ids=[
        "last character cut",
        "signature removed",
        "character appended",
        "signature character changed",
        "unknown version",
        "empty",
        "not base64",
        "huge",
    ],
)
def test_an_altered_link_is_rejected(clock: FixedClock, damage: Callable[[str], str]) -> None:
    with pytest.raises(SnoozeLinkError):
        _links().read(damage(_token()), clock.now())


def test_links_of_other_kinds_under_the_same_secret_are_rejected(clock: FixedClock) -> None:
    # An unsubscribe token and a confirmation link are signed with this very secret.
    unsubscribe = make_unsubscribe_token(SECRET, "acme", "ada")
    pending = PendingEmail(email="ada@example.org", nonce="n1", requested_at=SENT_AT)
    confirmation = EmailLinks((SECRET,), "https://app.rapport.example").url("acme", "ada", pending)
    [confirm_token] = parse_qs(urlsplit(confirmation).query)["token"]
    # And the same claims a snooze link has, signed for the unsubscribe context.
    claims = {"t": "acme", "u": "ada", "c": "c0ffee", "a": "follow_up"}
    other_context = _signed(claims, context="rapport-unsubscribe.v1")

    for token in (unsubscribe, confirm_token, other_context):
        with pytest.raises(SnoozeLinkError):
            _links().read(token, clock.now())
    # ... while the same claims under the snooze context read (they do not expire: made by
    # hand, without `expires_at`), so the context alone made the difference.
    assert _links().read(_signed(claims), clock.now()) == LINK


def test_a_link_expires_30_days_after_its_email_was_sent(clock: FixedClock) -> None:
    token = _token()
    links = _links()

    clock.set(SENT_AT + VALID_FOR - timedelta(seconds=1))
    assert links.read(token, clock.now()) == LINK
    clock.set(SENT_AT + VALID_FOR)
    with pytest.raises(SnoozeLinkError, match="expired"):
        links.read(token, clock.now())
    assert timedelta(days=30) == VALID_FOR


@pytest.mark.parametrize(
    "claims",
    [
        {"t": "acme", "u": "ada", "c": "c0ffee"},
        {"t": "acme", "u": "ada", "c": "c0ffee", "a": "nap"},
        {"t": "acme", "u": "ada", "c": "", "a": "follow_up"},
        {"t": "acme#U#bob", "u": "ada", "c": "c0ffee", "a": "follow_up"},
        {"t": "acme", "u": 7, "c": "c0ffee", "a": "follow_up"},
    ],
    ids=["no action", "unknown action", "empty contact", "a key-forging tenant", "numeric user"],
)
def test_a_signed_payload_that_is_not_a_snooze_link_is_rejected(
    clock: FixedClock, claims: dict[str, object]
) -> None:
    # Only someone holding the secret could make these; they must still prove nothing.
    with pytest.raises(SnoozeLinkError, match="payload"):
        _links().read(_signed(claims), clock.now())


def test_after_rotation_old_links_keep_working_and_new_ones_use_the_new_secret(
    clock: FixedClock,
) -> None:
    old = _token(_links(OLD_SECRET))
    new = _token(_links(SECRET, OLD_SECRET))

    assert _links(SECRET, OLD_SECRET).read(old, clock.now()) == LINK
    assert _links(SECRET).read(new, clock.now()) == LINK
    with pytest.raises(SnoozeLinkError):
        _links(SECRET).read(old, clock.now())


def test_a_link_is_only_made_for_ids_that_fit_storage_keys() -> None:
    with pytest.raises(ValueError, match="ids"):
        _links().token("acme#U#bob", "ada", "c0ffee", Action.FOLLOW_UP, SENT_AT)
