"""Issue 14, item 7: data that cannot be true. Names nobody can read and LinkedIn URLs that lead
elsewhere are a 400 naming the field; an interview logged before it began is a 422 naming its
start. Each writes nothing. A step dated before the contact was added is fine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api.conftest import Api, body_of
from tests.api.hardening_support import (
    assert_refused,
    items_in_events_table,
    new_contact,
    one_stack,
)

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
EVIL = "https://linkedin.com@evil.example/"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060"
REASON_NAME = "letter, digit or symbol"
REASON_URL = "linkedin.com"

NEW_CONTACTS: dict[str, tuple[dict[str, Any], str, str]] = {
    "a name of zero-width characters": ({"name": ZERO_WIDTH}, "name", REASON_NAME),
    "a name of a byte-order mark": ({"name": "\ufeff"}, "name", REASON_NAME),
    "a name of a Hangul filler": ({"name": "\u3164"}, "name", REASON_NAME),
    "introduced_by of zero-width characters": (
        {"name": "Ada", "introduced_by": ZERO_WIDTH},
        "introduced_by",
        REASON_NAME,
    ),
    "introduced_by of spaces only": (
        {"name": "Ada", "introduced_by": "   "},
        "introduced_by",
        "at least 1 character",
    ),
    "a LinkedIn URL with userinfo leading to evil.example": (
        {"name": "Ada", "linkedin_url": EVIL},
        "linkedin_url",
        REASON_URL,
    ),
    "a LinkedIn URL with a port": (
        {"name": "Ada", "linkedin_url": "https://www.linkedin.com:8443/in/ada"},
        "linkedin_url",
        REASON_URL,
    ),
    "a LinkedIn URL on another host": (
        {"name": "Ada", "linkedin_url": "https://linkedin.com.evil.example/in/ada"},
        "linkedin_url",
        REASON_URL,
    ),
}

STEPS: dict[str, tuple[dict[str, Any], str, str]] = {
    "a renaming to zero-width characters": (
        {"type": "contact_updated", "name": ZERO_WIDTH},
        "name",
        REASON_NAME,
    ),
    "an introducer of zero-width characters": (
        {"type": "contact_updated", "introduced_by": "\u200b"},
        "introduced_by",
        REASON_NAME,
    ),
    "an introduction via zero-width characters": (
        {"type": "introduction_requested", "via": "\u2060"},
        "via",
        REASON_NAME,
    ),
    "a LinkedIn URL with userinfo": (
        {"type": "contact_updated", "linkedin_url": EVIL},
        "linkedin_url",
        REASON_URL,
    ),
    "a profile URL with userinfo": (
        {"type": "linkedin_connected", "profile_url": EVIL},
        "profile_url",
        REASON_URL,
    ),
}


@pytest.fixture(scope="module")
def shared_api() -> Iterator[Api]:
    with one_stack(NOW) as api:
        yield api


@pytest.mark.parametrize(("body", "field", "words"), NEW_CONTACTS.values(), ids=NEW_CONTACTS.keys())
def test_an_unreadable_name_or_a_url_off_linkedin_creates_no_contact(
    shared_api: Api, body: dict[str, Any], field: str, words: str
) -> None:
    assert_refused(shared_api, "/contacts", body, field, words)


@pytest.mark.parametrize(("body", "field", "words"), STEPS.values(), ids=STEPS.keys())
def test_an_unreadable_name_or_a_url_off_linkedin_appends_no_step(
    shared_api: Api, body: dict[str, Any], field: str, words: str
) -> None:
    contact_id = new_contact(shared_api)

    assert_refused(shared_api, f"/contacts/{contact_id}/events", body, field, words)


def test_a_name_with_visible_characters_and_a_linkedin_profile_are_accepted(
    shared_api: Api,
) -> None:
    body = {
        "name": "\u200bZoë O'Neil",
        "introduced_by": "Prof. Lee",
        "linkedin_url": "https://de.linkedin.com/in/zoe-oneil",
    }

    response = shared_api.call("POST", "/contacts", body, token=shared_api.token())

    assert response.status_code == 201, body_of(response)


# The rule is the domain's (`rules.check_allowed(state, data, at)`, tested in
# tests/domain/test_dates_and_values_that_cannot_be_true.py); the command service hands it the
# step's time, `occurred_at or now`.


def _post(api: Api, contact_id: str, body: dict[str, Any]) -> Any:
    return api.call("POST", f"/contacts/{contact_id}/events", body, token=api.token())


def test_an_interview_logged_in_1995_for_one_scheduled_in_2000_is_a_422_that_writes_nothing(
    shared_api: Api,
) -> None:
    contact_id = new_contact(shared_api)
    scheduled = _post(
        shared_api,
        contact_id,
        {"type": "interview_scheduled", "starts_at": "2000-06-01T10:00:00Z"},
    )
    assert scheduled.status_code == 201, body_of(scheduled)
    before = items_in_events_table(shared_api)

    logged = _post(
        shared_api, contact_id, {"type": "interview_completed", "at": "1995-03-01T10:00:00Z"}
    )

    assert logged.status_code == 422, body_of(logged)
    error = body_of(logged)["error"]
    assert error["code"] == "step_not_allowed"
    assert error["message"] == (
        "the interview starts Thu 1 Jun 2000 10:00 UTC: log it after it happened, or reschedule it"
    )
    assert items_in_events_table(shared_api) == before
    assert _post(shared_api, contact_id, {"type": "interview_completed"}).status_code == 201


def test_an_interview_logged_now_for_next_week_is_a_422_naming_its_start(shared_api: Api) -> None:
    contact_id = new_contact(shared_api)
    schedule = {"type": "interview_scheduled", "starts_at": "2026-12-04T15:00:00Z"}
    assert _post(shared_api, contact_id, schedule).status_code == 201
    before = items_in_events_table(shared_api)

    logged = _post(shared_api, contact_id, {"type": "interview_completed"})

    assert logged.status_code == 422, body_of(logged)
    assert "starts Fri 4 Dec 15:00 UTC" in body_of(logged)["error"]["message"]
    assert items_in_events_table(shared_api) == before


def test_a_step_dated_before_the_contact_was_added_is_fine(shared_api: Api) -> None:
    contact_id = new_contact(shared_api)  # added on 26 November 2026

    wrote = _post(shared_api, contact_id, {"type": "outreach_sent", "at": "2026-10-01T09:00:00Z"})

    assert wrote.status_code == 201, body_of(wrote)
