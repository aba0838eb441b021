"""Issue 14, item 1: extreme dates. Every time a request carries is kept between 1970 and five
years ahead of the server's clock, with a UTC offset a real clock keeps (±14:00): anything else
is a 400 naming the field and saying why, and writes nothing. (Events stored before these bounds:
test_hardening_stored_times.py.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api.conftest import Api, body_of
from tests.api.hardening_support import assert_refused, new_contact, one_stack

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)

# (the step, the field named, words the reason holds)
REFUSED: dict[str, tuple[dict[str, Any], str, str]] = {
    "at in year 1": ({"type": "outreach_sent", "at": "0001-01-01T00:00:00Z"}, "at", "1970"),
    "at in year 1 at +14:00, before UTC's calendar": (
        {"type": "outreach_sent", "at": "0001-01-01T00:00:00+14:00"},
        "at",
        "1970",
    ),
    "at a second before 1970": (
        {"type": "outreach_sent", "at": "1969-12-31T23:59:59Z"},
        "at",
        "1970",
    ),
    "at with an offset of +14:30": (
        {"type": "outreach_sent", "at": "2026-11-25T09:00:00+14:30"},
        "at",
        "UTC offset",
    ),
    "at with an offset of -14:01": (
        {"type": "outreach_sent", "at": "2026-11-25T09:00:00-14:01"},
        "at",
        "UTC offset",
    ),
    "starts_at on 9999-12-30 23:00": (
        {"type": "interview_scheduled", "starts_at": "9999-12-30T23:00:00Z"},
        "starts_at",
        "5 years",
    ),
    "starts_at on 9999-12-31": (
        {"type": "interview_scheduled", "starts_at": "9999-12-31T00:00:00Z"},
        "starts_at",
        "5 years",
    ),
    "starts_at a second beyond 5 years": (
        {"type": "interview_scheduled", "starts_at": "2031-11-26T14:00:01Z"},
        "starts_at",
        "5 years",
    ),
    "starts_at in 1969": (
        {"type": "interview_scheduled", "starts_at": "1969-07-20T20:17:00Z"},
        "starts_at",
        "1970",
    ),
    "starts_at with an offset of +15:00": (
        {"type": "interview_scheduled", "starts_at": "2026-12-15T15:00:00+15:00"},
        "starts_at",
        "UTC offset",
    ),
    "a reschedule to 9999": (
        {"type": "interview_rescheduled", "starts_at": "9999-12-31T23:59:59Z"},
        "starts_at",
        "5 years",
    ),
}

ACCEPTED = {
    "at on 1970-01-01": {"type": "outreach_sent", "at": "1970-01-01T00:00:00Z"},
    "at at +14:00": {"type": "outreach_sent", "at": "2026-11-26T10:00:00+14:00"},
    "at at -14:00": {"type": "outreach_sent", "at": "2026-11-25T10:00:00-14:00"},
    "starts_at exactly 5 years ahead": {
        "type": "interview_scheduled",
        "starts_at": "2031-11-26T14:00:00Z",
    },
    "starts_at at -14:00": {
        "type": "interview_scheduled",
        "starts_at": "2026-12-15T00:00:00-14:00",
    },
}


@pytest.fixture(scope="module")
def shared_api() -> Iterator[Api]:
    with one_stack(NOW) as api:
        yield api


@pytest.mark.parametrize(("body", "field", "words"), REFUSED.values(), ids=REFUSED.keys())
def test_a_time_off_the_bounds_is_a_400_naming_the_field_and_writes_nothing(
    shared_api: Api, body: dict[str, Any], field: str, words: str
) -> None:
    contact_id = new_contact(shared_api)

    assert_refused(shared_api, f"/contacts/{contact_id}/events", body, field, words)

    contact = shared_api.call("GET", f"/contacts/{contact_id}", token=shared_api.token())
    assert contact.status_code == 200
    assert contact.headers["ETag"] == '"1"'


@pytest.mark.parametrize("body", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_a_time_at_the_bounds_is_accepted(shared_api: Api, body: dict[str, Any]) -> None:
    contact_id = new_contact(shared_api)

    response = shared_api.call(
        "POST", f"/contacts/{contact_id}/events", body, token=shared_api.token()
    )

    assert response.status_code == 201, body_of(response)
