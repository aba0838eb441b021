"""Undo links: signed for one contact's one step, for 30 days, and for nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.vocabulary import Action
from chalicelib.service.snooze_links import SnoozeLinks
from chalicelib.service.undo_links import VALID_FOR, UndoLink, UndoLinkError, UndoLinks

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LINK = UndoLink("acme", "ada", "c-1", 4)


def _token(url: str) -> str:
    return url.split("token=", 1)[1]


def test_a_link_reads_back_as_made_until_it_expires() -> None:
    links = UndoLinks(("secret",), "https://app.rapport.example/")
    url = links.url(LINK, NOW)

    assert url.startswith("https://app.rapport.example/undo?token=v1.")
    assert links.read(_token(url), NOW + VALID_FOR - timedelta(seconds=1)) == LINK
    with pytest.raises(UndoLinkError):
        links.read(_token(url), NOW + VALID_FOR)


def test_an_altered_or_foreign_token_proves_nothing() -> None:
    links = UndoLinks(("secret",), "https://x")
    token = _token(links.url(LINK, NOW))
    snooze = SnoozeLinks(("secret",), "https://x").token(
        "acme", "ada", "c-1", Action.FOLLOW_UP, NOW
    )

    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (forged, snooze, "", "v1.", token.replace("v1.", "v2.")):
        with pytest.raises(UndoLinkError):
            links.read(bad, NOW)
    with pytest.raises(UndoLinkError):
        UndoLinks(("another",), "https://x").read(token, NOW)


def test_no_link_is_made_for_a_bad_id_or_version() -> None:
    links = UndoLinks(("secret",), "https://x")
    for bad in (
        UndoLink("a#b", "ada", "c", 1),
        UndoLink("acme", "ada", "", 1),
        UndoLink("acme", "ada", "c", 0),
    ):
        with pytest.raises(ValueError, match="an undo link needs"):
            links.url(bad, NOW)
