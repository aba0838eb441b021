"""Issue 14, item 1, for events already stored: a contact whose stream holds a step dated year 1
or an interview in 9999 (written before the edge kept times in bounds) still reads, takes steps,
is projected, listed, verified and reminded of, in a timezone behind UTC too; its oddity costs
at most its own reminder, never its user's other contacts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.bootstrap import Services
from chalicelib.cli import main
from chalicelib.eventstore.port import NewEvent, StreamId
from tests.api.conftest import Api, body_of
from tests.api.hardening_support import new_contact
from tests.projections.support import pump_for

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
YEAR_1 = datetime(1, 1, 1, tzinfo=UTC)


def _store(services: Services, contact_id: str, *events: NewEvent) -> None:
    """Events as an older server stored them, before the edge kept times in bounds."""
    stream = StreamId("acme", contact_id)
    version = len(services.event_store.read(stream))
    for event in events:
        services.event_store.append(
            stream, [event], expected_version=version, owner_id="ada", recorded_at=NOW
        )
        version += 1


def test_a_contact_with_a_step_stored_in_year_1_still_works_in_a_timezone_behind_utc(
    api: Api, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a step an older server stored as 0001-01-01, beside an ordinary contact, and a
    # user who then picks a timezone behind UTC
    token = api.token()
    odd, ordinary = new_contact(api), new_contact(api)
    _store(services, odd, NewEvent("outreach_sent", {"channel": "email"}, YEAR_1))
    moved = api.call("PUT", "/me/settings", {"timezone": "America/Los_Angeles"}, token=token)
    assert moved.status_code == 200

    # When the contact is read, takes a step, and the projector and the sweep run
    read = api.call("GET", f"/contacts/{odd}", token=token)
    stepped = api.call(
        "POST",
        f"/contacts/{odd}/events",
        {"type": "reply_received", "outcome": "accepted"},
        token=token,
    )
    pump_for(services).drain()
    listed = api.call("GET", "/contacts", token=token)
    # 10:00 in Los Angeles: in the user's reminder window
    report = services.reminder_sweep.run(NOW + timedelta(days=2, hours=4))

    # Then each answers, the list holds both contacts, and both are reminded of
    assert read.status_code == 200, body_of(read)
    assert body_of(read)["next_action"] is None  # a follow-up due in year 1 is not planned
    assert stepped.status_code == 201, body_of(stepped)
    assert {c["contact_id"] for c in body_of(listed)["items"]} == {odd, ordinary}
    assert report.errors == 0
    assert report.skipped_contacts == 1  # the email could not show its outreach's date
    assert [c.reminder.contact_id for c in report.sent] == [ordinary]
    pump_for(services).drain()  # the reminder_sent just recorded
    assert main(["verify-projections"]) == 0, capsys.readouterr().out


def test_an_interview_stored_for_9999_is_listed_and_verified_instead_of_vanishing(
    api: Api, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    token = api.token()
    far_off = new_contact(api)
    starts = {"starts_at": "9999-12-30T23:00:00Z", "duration_minutes": 30}
    _store(
        services,
        far_off,
        NewEvent("outreach_sent", {"channel": "email"}, NOW),
        NewEvent("interview_scheduled", starts, NOW),
    )
    pump_for(services).drain()

    read = api.call("GET", f"/contacts/{far_off}", token=token)
    listed = api.call("GET", "/contacts?status=scheduled", token=token)
    dashboard = api.call("GET", "/dashboard", token=token)

    assert read.status_code == 200, body_of(read)
    assert body_of(read)["interview"]["starts_at"] == "9999-12-30T23:00:00Z"
    assert [c["contact_id"] for c in body_of(listed)["items"]] == [far_off]
    assert body_of(dashboard)["counts"]["scheduled"] == 1
    assert main(["verify-projections"]) == 0, capsys.readouterr().out
