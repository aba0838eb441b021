"""A Python client generated from `GET /openapi.json` (openapi-python-client, pinned) walks one
contact through the whole journey against the app over HTTP, with the client's own models.

The client raises on any status the document does not declare, and parses every answer with
the document's schemas, so when the server and the document part ways, this fails.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from chalicelib.bootstrap import Services
from tests.contract.tools import generate_client
from tests.projections.support import pump_for

pytestmark = pytest.mark.integration  # moto and a local server

Token = Callable[..., str]


class Generated:
    """The generated package: its models, its operations, and clients of the served app."""

    def __init__(self, package: ModuleType, base_url: str, document: dict[str, Any]) -> None:
        self.package = package
        self.models: Any = importlib.import_module(f"{package.__name__}.models")
        self.base_url = base_url
        self.document = document

    def operation(self, tag: str, name: str) -> Any:
        return importlib.import_module(f"{self.package.__name__}.api.{tag}.{name}")

    def client(self, token: str | None) -> Any:
        if token is None:
            return self.package.Client(base_url=self.base_url, raise_on_unexpected_status=True)
        return self.package.AuthenticatedClient(
            base_url=self.base_url, token=token, raise_on_unexpected_status=True
        )


@pytest.fixture
def generated(
    rapport_client: ModuleType, base_url: str, served_document: dict[str, Any]
) -> Generated:
    return Generated(rapport_client, base_url, served_document)


def _headers_as_declared(
    generated: Generated, path: str, method: str, response: Any
) -> dict[str, str]:
    """The response's headers, after checking it has each one the document says it must."""
    declared = generated.document["paths"][path][method]["responses"][
        str(int(response.status_code))
    ]
    for name, header in declared.get("headers", {}).items():
        if header["required"]:
            assert name in response.headers, (method, path, response.status_code, name)
    return dict(response.headers)


def _nothing_undeclared(model: Any) -> None:
    """No field came back that the document does not name (generated models keep extras)."""
    extra = getattr(model, "additional_properties", None)
    assert not extra, (type(model).__name__, extra)
    for value in getattr(model, "__dict__", {}).values():
        for item in value if isinstance(value, list) else [value]:
            if hasattr(item, "additional_properties"):
                _nothing_undeclared(item)


def _steps(m: Any) -> list[tuple[Any, str]]:
    """Every step a client may record, in an order the rules allow, and the status after it."""
    # Before the test's clock (26 November), so that it can be logged as done now.
    interview = datetime(2026, 11, 15, 15, 0, tzinfo=UTC)
    return [
        (
            m.IntroductionRequestedStep(type_="introduction_requested", via="Prof. Lee"),
            "reaching_out",
        ),
        (
            m.OutreachSentStep(type_="outreach_sent", channel=m.Channel.EMAIL, message="Hello"),
            "reaching_out",
        ),
        (m.FollowUpSentStep(type_="follow_up_sent", channel=m.Channel.LINKEDIN), "reaching_out"),
        (
            m.ReplyReceivedStep(type_="reply_received", outcome=m.ReplyOutcome.ACCEPTED),
            "reaching_out",
        ),
        (
            m.InterviewScheduledStep(
                type_="interview_scheduled", starts_at=interview, location="Zoom"
            ),
            "scheduled",
        ),
        (
            m.InterviewRescheduledStep(
                type_="interview_rescheduled",
                starts_at=interview.replace(day=16),
                duration_minutes=45,
            ),
            "scheduled",
        ),
        (
            m.InterviewCancelledStep(type_="interview_cancelled", reason="They had to travel"),
            "reaching_out",
        ),
        (
            m.InterviewScheduledStep(
                type_="interview_scheduled", starts_at=interview.replace(day=17)
            ),
            "scheduled",
        ),
        (
            m.ResearchNotedStep(
                type_="research_noted",
                subject=m.ResearchSubject.COMPANY,
                text="Acme builds rockets.",
            ),
            "scheduled",
        ),
        (
            m.QuestionsPreparedStep(
                type_="questions_prepared", questions=["What does a normal week look like?"]
            ),
            "scheduled",
        ),
        (m.ContactUpdatedStep(type_="contact_updated", role="Staff Engineer"), "scheduled"),
        (m.InterviewCompletedStep(type_="interview_completed", notes="Great talk."), "interviewed"),
        (m.ThankYouSentStep(type_="thank_you_sent", channel=m.Channel.EMAIL), "followed_up"),
        (
            m.LinkedinConnectedStep(
                type_="linkedin_connected", profile_url="https://www.linkedin.com/in/ada-park"
            ),
            "followed_up",
        ),
        (
            m.ReflectionRecordedStep(
                type_="reflection_recorded", lessons="Ask about the first year."
            ),
            "reflected",
        ),
    ]


def test_a_generated_client_walks_one_contact_through_the_whole_journey(
    generated: Generated, services: Services, token_for: Token
) -> None:
    m = generated.models
    client = generated.client(token_for())
    create = generated.operation("contacts", "create_contact")
    record = generated.operation("steps", "record_step")
    get_contact = generated.operation("contacts", "get_contact")
    events = "/contacts/{contact_id}/events"

    # Given a contact added through the generated client
    details = m.ContactCreate(
        name="Ada Park", company="Acme", source=m.Source.INTRODUCTION, introduced_by="Prof. Lee"
    )
    created = create.sync_detailed(client=client, body=details, idempotency_key="ada-1")
    assert created.status_code == 201
    headers = _headers_as_declared(generated, "/contacts", "post", created)
    contact = created.parsed
    assert isinstance(contact, m.ContactPublic)
    assert (contact.status, contact.source, headers["etag"]) == (
        m.Status.IDENTIFIED,
        m.Source.INTRODUCTION,
        '"1"',
    )
    assert headers["location"] == f"/contacts/{contact.contact_id}"
    replayed = create.sync_detailed(client=client, body=details, idempotency_key="ada-1")
    assert replayed.status_code == 201
    assert (
        _headers_as_declared(generated, "/contacts", "post", replayed)["idempotent-replayed"]
        == "true"
    )
    assert replayed.parsed.contact_id == contact.contact_id

    # When every step is recorded, each with the version it was decided on
    for version, (step, status) in enumerate(_steps(m), start=2):
        answer = record.sync_detailed(
            contact.contact_id, client=client, body=step, if_match=f'"{version - 1}"'
        )
        assert answer.status_code == 201, (step.type_, answer.content)
        assert _headers_as_declared(generated, events, "post", answer)["etag"] == f'"{version}"'
        recorded = answer.parsed
        assert isinstance(recorded, m.StepRecorded)
        assert (recorded.event.type_.value, recorded.event.version) == (step.type_, version)
        assert recorded.contact.status.value == status, step.type_
        _nothing_undeclared(recorded)

    # Then the contact, its events, the list and the dashboard say so, in the client's models
    fetched = get_contact.sync_detailed(contact.contact_id, client=client)
    assert (
        _headers_as_declared(generated, "/contacts/{contact_id}", "get", fetched)["etag"]
        == f'"{version}"'
    )
    current = fetched.parsed
    assert current.to_dict() == recorded.contact.to_dict()
    assert (current.status, current.reply, current.role) == (
        m.Status.REFLECTED,
        m.ReplyOutcome.ACCEPTED,
        "Staff Engineer",
    )
    assert current.research[0].subject == m.ResearchSubject.COMPANY
    assert current.interview.starts_at == datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
    _nothing_undeclared(current)

    history = generated.operation("steps", "list_events").sync(contact.contact_id, client=client)
    assert [e.type_ for e in history.items] == ["contact_added"] + [s.type_ for s, _ in _steps(m)]
    for event in history.items:
        stem = "".join(part.title() for part in event.type_.split("_"))
        assert type(event).__name__ == f"{stem}Event"
        assert type(event.data).__name__ == f"{stem}Data"
    assert history.items[0].data.name == "Ada Park"
    assert history.items[2].data.channel == m.Channel.EMAIL
    _nothing_undeclared(history)

    pump_for(services).drain()
    listed = generated.operation("contacts", "list_contacts").sync(
        client=client, status=m.Status.REFLECTED
    )
    assert [item.to_dict() for item in listed.items] == [current.to_dict()]
    assert listed.next_cursor is None
    dashboard = generated.operation("dashboards", "get_dashboard").sync(client=client)
    counts = dashboard.counts.to_dict()
    assert counts == {status.value: int(status == m.Status.REFLECTED) for status in m.Status}
    assert (dashboard.funnel.reached_out, dashboard.funnel.replied) == (1, 1)
    _nothing_undeclared(dashboard)

    settings = generated.operation("settings", "update_settings").sync(
        client=client, body=m.SettingsUpdate(reminder_hour=8)
    )
    assert (settings.reminder_hour, settings.email) == (8, "ada@example.com")
    shown = generated.operation("settings", "get_settings").sync(client=client)
    assert shown.to_dict() == settings.to_dict()


def _error(generated: Generated, response: Any, status: int, code: str) -> Any:
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, generated.models.ErrorBody), response.content
    assert response.parsed.error.code == code
    assert response.parsed.error.message
    return response.parsed.error


def test_a_generated_client_reads_every_refusal_in_the_apis_error_shape(
    generated: Generated, token_for: Token
) -> None:
    m = generated.models
    client = generated.client(token_for())
    create = generated.operation("contacts", "create_contact")
    record = generated.operation("steps", "record_step").sync_detailed
    contact = create.sync(client=client, body=m.ContactCreate(name="Grace Hopper"))
    schedule = m.InterviewScheduledStep(
        type_="interview_scheduled", starts_at=datetime(2026, 12, 15, 15, tzinfo=UTC)
    )

    too_long = m.InterviewScheduledStep(
        type_="interview_scheduled", starts_at=schedule.starts_at, duration_minutes=500
    )
    error = _error(
        generated, record(contact.contact_id, client=client, body=too_long), 400, "validation_error"
    )
    assert [problem.field for problem in error.fields] == ["duration_minutes"]

    missing = generated.operation("contacts", "get_contact").sync_detailed("nobody", client=client)
    _error(generated, missing, 404, "not_found")

    stale = record(contact.contact_id, client=client, body=schedule, if_match='"7"')
    _error(generated, stale, 412, "version_mismatch")
    assert (
        _headers_as_declared(generated, "/contacts/{contact_id}/events", "post", stale)["etag"]
        == '"1"'
    )

    too_early = m.ThankYouSentStep(type_="thank_you_sent")
    _error(
        generated,
        record(contact.contact_id, client=client, body=too_early),
        422,
        "step_not_allowed",
    )
    other = create.sync(client=client, body=m.ContactCreate(name="Alan Turing"))
    archive = m.ContactArchivedStep(type_="contact_archived", reason="Changed direction")
    archived = record(other.contact_id, client=client, body=archive).parsed
    assert archived.contact.status == m.Status.ARCHIVED
    change = m.ContactUpdatedStep(type_="contact_updated", company="Globex")
    _error(generated, record(other.contact_id, client=client, body=change), 422, "step_not_allowed")

    create.sync(client=client, body=m.ContactCreate(name="Ada"), idempotency_key="k")
    reused = create.sync_detailed(
        client=client, body=m.ContactCreate(name="Bo"), idempotency_key="k"
    )
    _error(generated, reused, 409, "idempotency_key_reused")

    tenant = generated.operation("dashboards", "get_tenant_dashboard")
    _error(generated, tenant.sync_detailed(client=client), 403, "forbidden")

    # Chalice's local gateway refuses a call without a token before the app runs
    anonymous = generated.operation("dashboards", "get_dashboard").sync_detailed(
        client=generated.client(None)
    )
    _error(generated, anonymous, 401, "unauthorized")

    erase = generated.operation("contacts", "delete_contact")
    assert erase.sync_detailed(contact.contact_id, client=client).status_code == 204
    gone = generated.operation("steps", "list_events").sync_detailed(
        contact.contact_id, client=client
    )
    _error(generated, gone, 404, "not_found")


def test_a_put_of_one_setting_through_the_generated_client_changes_that_setting_only(
    generated: Generated, token_for: Token
) -> None:
    m = generated.models
    client = generated.client(token_for())
    put = generated.operation("settings", "update_settings").sync
    chosen = put(
        client=client,
        body=m.SettingsUpdate(
            timezone="America/New_York",
            reminder_hour=7,
            follow_up_after_business_days=5,
            max_follow_ups=2,
        ),
    )

    unsubscribed = put(client=client, body=m.SettingsUpdate(reminders_enabled=False))
    moved = put(client=client, body=m.SettingsUpdate(timezone="Europe/Paris"))

    assert m.SettingsUpdate(timezone="Europe/Paris").to_dict() == {"timezone": "Europe/Paris"}
    assert unsubscribed.to_dict() == {**chosen.to_dict(), "reminders_enabled": False}
    assert moved.to_dict() == {**unsubscribed.to_dict(), "timezone": "Europe/Paris"}


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_client_generates_the_same_files_every_time(
    served_document: dict[str, Any], generated_folder: Path, tmp_path: Path
) -> None:
    again = generate_client(served_document, tmp_path, generated_folder.name)

    assert _tree(again) == _tree(generated_folder)
