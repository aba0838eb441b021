"""Bad input, table-driven: each answer has API.md's status, the error code, the field named in
`error.fields`, and nothing reaches the table.

Bad input never writes, so every case shares one moto stack and one contact (built once for the
module, which keeps this long table fast); each case counts the table's items before and after.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.test import Client
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber

from app import app
from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.adapters.table_setup import create_tables
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings
from tests.api.conftest import Api, body_of, is_membership_record
from tests.conftest import TEST_ENV, _serialized_stubber_call

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
LONG_NAME = "x" * 201
LONG_NOTES = "x" * 10_001
OVERSIZED = json.dumps({"name": "Ada", "notes": "x" * (65 * 1024)}).encode()
SCHEDULE = {"type": "interview_scheduled", "starts_at": "2026-12-15T15:00:00Z"}


@dataclass(frozen=True)
class Case:
    """A request and the answer API.md promises for it."""

    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 400
    code: str = "validation_error"
    field: str | None = None


CONTACT_CASES: dict[str, Case] = {
    "name missing": Case({"email": "ada@example.com"}, field="name"),
    "name not a string": Case({"name": 42}, field="name"),
    "name empty": Case({"name": ""}, field="name"),
    "name of 201 characters": Case({"name": LONG_NAME}, field="name"),
    "email not a string": Case({"name": "Ada", "email": 7}, field="email"),
    "email not an address": Case({"name": "Ada", "email": "ada at acme"}, field="email"),
    "company not a string": Case({"name": "Ada", "company": ["Acme"]}, field="company"),
    "company of 201 characters": Case({"name": "Ada", "company": LONG_NAME}, field="company"),
    "role not a string": Case({"name": "Ada", "role": {"title": "CTO"}}, field="role"),
    "linkedin_url over http": Case(
        {"name": "Ada", "linkedin_url": "http://www.linkedin.com/in/ada"}, field="linkedin_url"
    ),
    "linkedin_url not a string": Case({"name": "Ada", "linkedin_url": 5}, field="linkedin_url"),
    "source unknown": Case({"name": "Ada", "source": "conference"}, field="source"),
    "source not a string": Case({"name": "Ada", "source": 1}, field="source"),
    "introduced_by not a string": Case(
        {"name": "Ada", "introduced_by": True}, field="introduced_by"
    ),
    "notes of 10,001 characters": Case({"name": "Ada", "notes": LONG_NOTES}, field="notes"),
    "notes not a string": Case({"name": "Ada", "notes": 3.5}, field="notes"),
    "an unknown field": Case({"name": "Ada", "age": 40}, field="age"),
    "null name": Case({"name": None}, field="name"),
    "malformed JSON": Case(raw=b'{"name": "Ada"', code="malformed_json"),
    "a JSON array": Case(raw=b'["Ada"]', code="malformed_json"),
    "a JSON string": Case(raw=b'"Ada"', code="malformed_json"),
    "no body": Case(raw=b"", code="malformed_json"),
    "not UTF-8": Case(raw=b'{"name": "\xff"}', code="malformed_json"),
    "a 65 KiB body": Case(raw=OVERSIZED, status=413, code="payload_too_large"),
    "an Idempotency-Key of 101 characters": Case(
        {"name": "Ada"}, headers={"Idempotency-Key": "k" * 101}, field="Idempotency-Key"
    ),
}

STEP_CASES: dict[str, Case] = {
    "an unknown event type": Case({"type": "coffee_had"}, code="unknown_event_type", field="type"),
    "no event type": Case({"channel": "email"}, code="unknown_event_type", field="type"),
    "an event type that is not a string": Case(
        {"type": 5}, code="unknown_event_type", field="type"
    ),
    "contact_added, which only POST /contacts records": Case(
        {"type": "contact_added", "name": "Ada"}, code="unknown_event_type", field="type"
    ),
    "reminder_sent, which only the scheduler records": Case(
        {"type": "reminder_sent", "action": "follow_up", "due_at": "2026-11-26T09:00:00Z"},
        code="unknown_event_type",
        field="type",
    ),
    "channel unknown": Case({"type": "outreach_sent", "channel": "pigeon"}, field="channel"),
    "message not a string": Case({"type": "outreach_sent", "message": ["Hi"]}, field="message"),
    "message of 5,001 characters": Case(
        {"type": "outreach_sent", "message": "x" * 5001}, field="message"
    ),
    "outcome missing": Case({"type": "reply_received"}, field="outcome"),
    "outcome unknown": Case({"type": "reply_received", "outcome": "maybe"}, field="outcome"),
    "starts_at missing": Case({"type": "interview_scheduled"}, field="starts_at"),
    "starts_at not a time": Case(
        {"type": "interview_scheduled", "starts_at": "next Tuesday"}, field="starts_at"
    ),
    "starts_at without an offset": Case(
        {"type": "interview_scheduled", "starts_at": "2026-12-15T15:00:00"}, field="starts_at"
    ),
    "duration of 4 minutes": Case({**SCHEDULE, "duration_minutes": 4}, field="duration_minutes"),
    "duration of 241 minutes": Case(
        {**SCHEDULE, "duration_minutes": 241}, field="duration_minutes"
    ),
    "duration as a string": Case({**SCHEDULE, "duration_minutes": "45"}, field="duration_minutes"),
    "duration as a fraction": Case(
        {**SCHEDULE, "duration_minutes": 30.5}, field="duration_minutes"
    ),
    "duration as a boolean": Case({**SCHEDULE, "duration_minutes": True}, field="duration_minutes"),
    "location of 201 characters": Case({**SCHEDULE, "location": LONG_NAME}, field="location"),
    "research subject unknown": Case(
        {"type": "research_noted", "subject": "pets", "text": "Has a dog"}, field="subject"
    ),
    "research text empty": Case(
        {"type": "research_noted", "subject": "person", "text": ""}, field="text"
    ),
    "no questions": Case({"type": "questions_prepared", "questions": []}, field="questions"),
    "51 questions": Case(
        {"type": "questions_prepared", "questions": [f"Question {n}?" for n in range(51)]},
        field="questions",
    ),
    "questions not a list": Case(
        {"type": "questions_prepared", "questions": "Why?"}, field="questions"
    ),
    "an empty question": Case(
        {"type": "questions_prepared", "questions": ["Why?", ""]}, field="questions.1"
    ),
    "interview notes of 10,001 characters": Case(
        {"type": "interview_completed", "notes": LONG_NOTES}, field="notes"
    ),
    "profile_url over http": Case(
        {"type": "linkedin_connected", "profile_url": "http://linkedin.com/in/ada"},
        field="profile_url",
    ),
    "an unknown field": Case({"type": "outreach_sent", "mood": "hopeful"}, field="mood"),
    "a contact update that empties the name": Case(
        {"type": "contact_updated", "name": ""}, field="name"
    ),
    "at in the future": Case({"type": "outreach_sent", "at": "2026-11-27T14:00:00Z"}, field="at"),
    "at not a time": Case({"type": "outreach_sent", "at": "yesterday"}, field="at"),
    "at without an offset": Case(
        {"type": "outreach_sent", "at": "2026-11-25T14:00:00"}, field="at"
    ),
    "If-Match not a version": Case(
        {"type": "outreach_sent"}, headers={"If-Match": "latest"}, field="If-Match"
    ),
    "If-Match naming two versions": Case(
        {"type": "outreach_sent"}, headers={"If-Match": '"1", "2"'}, field="If-Match"
    ),
    "an Idempotency-Key of 101 characters": Case(
        {"type": "outreach_sent"}, headers={"Idempotency-Key": "k" * 101}, field="Idempotency-Key"
    ),
    "malformed JSON": Case(raw=b'{"type": "outreach_sent",}', code="malformed_json"),
    "a JSON array": Case(raw=b'[{"type": "outreach_sent"}]', code="malformed_json"),
    "a JSON number": Case(raw=b"42", code="malformed_json"),
    "a 65 KiB body": Case(raw=OVERSIZED, status=413, code="payload_too_large"),
}


@pytest.fixture(scope="module")
def shared_api() -> Iterator[Api]:
    """One API over one moto stack for the whole module (the conftest's `api`, built once)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in TEST_ENV.items():
            patch.setenv(name, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        patch.delenv("AUTH_JWKS_URL", raising=False)
        patch.setattr(BotocoreStubber, "__call__", _serialized_stubber_call)
        settings = Settings.from_env()
        clock = FixedClock(NOW)
        aws.reset_clients()
        with mock_aws():
            create_tables(aws.client("dynamodb", settings), settings)
            bootstrap.install(bootstrap.for_aws(settings, clock=clock, sleep=lambda _: None))
            try:
                with Client(app) as client:
                    yield Api(client, settings, clock)
            finally:
                bootstrap.install(None)
        aws.reset_clients()


@pytest.fixture(scope="module")
def contact_id(shared_api: Api) -> str:
    created = shared_api.call("POST", "/contacts", {"name": "Ada Park"}, token=shared_api.token())
    assert created.status_code == 201
    return str(body_of(created)["contact_id"])


def _items(api: Api) -> int:
    """Every item in the events table (contacts, settings, idempotency records)."""
    dynamodb = aws.client("dynamodb", api.settings)
    pages = dynamodb.get_paginator("scan").paginate(TableName=api.settings.events_table)
    return sum(not is_membership_record(item) for page in pages for item in page["Items"])


def _assert_refused(api: Api, case: Case, path: str) -> None:
    before = _items(api)
    response = api.call(
        "POST", path, case.body, token=api.token(), headers=case.headers, raw=case.raw
    )
    assert response.status_code == case.status, body_of(response)
    error = body_of(response)["error"]
    assert error["code"] == case.code
    assert error["message"]
    if case.field is None:
        assert "fields" not in error
    else:
        assert case.field in [problem["field"] for problem in error["fields"]], error
        assert all(problem["message"] for problem in error["fields"])
    assert _items(api) == before, "a refused request wrote to the table"


@pytest.mark.parametrize("case", CONTACT_CASES.values(), ids=CONTACT_CASES.keys())
def test_a_bad_new_contact_is_refused_and_creates_nothing(shared_api: Api, case: Case) -> None:
    _assert_refused(shared_api, case, "/contacts")


@pytest.mark.parametrize("case", STEP_CASES.values(), ids=STEP_CASES.keys())
def test_a_bad_step_is_refused_and_appends_nothing(
    shared_api: Api, contact_id: str, case: Case
) -> None:
    _assert_refused(shared_api, case, f"/contacts/{contact_id}/events")
    contact = shared_api.call("GET", f"/contacts/{contact_id}", token=shared_api.token())
    assert contact.headers["ETag"] == '"1"'


def test_the_same_contact_then_takes_a_good_step(shared_api: Api, contact_id: str) -> None:
    """Last in the module, so the refusals above met a contact that accepts a good step:
    they were about their bodies, not about the contact or its state."""
    good = shared_api.call(
        "POST",
        f"/contacts/{contact_id}/events",
        {**SCHEDULE, "duration_minutes": 45, "at": "2026-11-26T14:01:00Z"},
        token=shared_api.token(),
        headers={"If-Match": '"1"', "Idempotency-Key": "k" * 100},
    )
    assert good.status_code == 201, body_of(good)
