"""An odd stored stream costs only itself: events dated year 1 or 9999 are projected like any
other, and a stream that cannot be folded at all is reported, skipped and never retried, while
the other contacts of its batch, its user's settings change, `rebuild-projections`,
`verify-projections` and the reminder sweep carry on."""

from __future__ import annotations

import logging

import pytest

from chalicelib.bootstrap import Services
from chalicelib.cli import main
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action, Status
from chalicelib.eventstore.port import NewEvent
from chalicelib.projections.projection import settings_fingerprint
from chalicelib.projections.rebuild import rebuild, verify
from chalicelib.viewstore.model import ContactView
from tests.projections.extreme_streams import (
    NOW,
    POISON,
    YEAR_1,
    added,
    days,
    interview,
    outreach,
    settings_record,
    store,
    world,
)

BEHIND_UTC = UserSettings(email="ada@example.com", timezone="America/Los_Angeles")


def _views(services: Services) -> dict[str, ContactView]:
    snapshot = services.view_store.snapshot()
    return {contact: view for (_, _, contact), view in snapshot.views.items()}


def test_events_dated_year_1_and_9999_are_projected_and_verify_finds_nothing_wrong() -> None:
    # Given contacts whose stored events are dated year 1, or whose interview is in 9999,
    # and a user in a timezone behind UTC
    services = world()
    services.settings_repository.put("acme", "ada", BEHIND_UTC)
    records = [
        *store(services, "ancient", added(), outreach(YEAR_1)),
        *store(services, "far-off", added(), interview("9999-12-30T23:00:00Z")),
        *store(services, "kiribati", added(), interview("0001-01-01T00:00:00+14:00")),
        settings_record(),
    ]

    # When the projector gets their records
    answer = services.projector.handle({"Records": records})

    # Then every one is projected, with the steps it can plan, and nothing is retried
    assert answer == {"batchItemFailures": []}
    views = _views(services)
    assert views["ancient"].status is Status.REACHING_OUT
    assert views["far-off"].status is Status.SCHEDULED
    assert views["far-off"].agenda == ()
    assert verify(services.adapters.events_snapshot(), services.view_store, 4) == []


def test_a_stream_that_cannot_be_folded_is_skipped_and_the_rest_of_the_batch_is_projected(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given ada's poisoned contact between two good ones, and her settings changed
    services = world()
    services.projector.handle({"Records": store(services, "poisoned", added())})
    services.settings_repository.put("acme", "ada", BEHIND_UTC)
    records = [
        *store(services, "alan", added("Alan Kay")),
        *store(services, "poisoned", POISON),
        *store(services, "grace", added()),
        settings_record(),
    ]

    # When one batch brings them all
    with caplog.at_level(logging.ERROR):
        answer = services.projector.handle({"Records": records})

    # Then no record is failed (a retry would fail the same way): not the poisoned contact's,
    # and not the settings change; the others are projected with the new settings
    assert answer == {"batchItemFailures": []}
    views = _views(services)
    assert {"alan", "grace", "poisoned"} <= set(views)
    assert views["poisoned"].version == 1  # as it was
    assert views["alan"].is_current(1, settings_fingerprint(BEHIND_UTC))
    assert "skipped T#acme#C#poisoned" in caplog.text


def test_verify_names_a_stream_it_cannot_fold_and_compares_the_others() -> None:
    services = world()
    services.projector.handle(
        {
            "Records": [
                *store(services, "poisoned", added(), POISON),
                *store(services, "ok", added()),
            ]
        }
    )

    lines = verify(services.adapters.events_snapshot(), services.view_store, 4)

    assert len(lines) == 1
    assert lines[0].startswith("cannot fold stream acme/poisoned: ValidationError")


def test_a_rebuild_skips_a_stream_it_cannot_fold_and_rebuilds_every_other_contact() -> None:
    services = world()
    store(services, "poisoned", added(), POISON)
    store(services, "ok", added())
    store(services, "bob-1", added(), user_id="bob")

    report = rebuild(services.adapters.events_snapshot(), services.view_store, services.projector)

    assert report.skipped == ("acme/poisoned",)
    assert set(_views(services)) == {"ok", "bob-1"}
    lines = verify(services.adapters.events_snapshot(), services.view_store, 4)
    assert [line.split(":")[0] for line in lines] == ["cannot fold stream acme/poisoned"]


def test_the_sweep_skips_contacts_it_cannot_fold_or_show_and_reminds_of_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given ada's contacts due for a reminder: one whose stream no longer folds, one whose
    # outreach is dated year 1 (a reply makes scheduling due), and an ordinary one
    services = world()
    services.settings_repository.put("acme", "ada", BEHIND_UTC)
    accepted = NewEvent("reply_received", {"outcome": "accepted"}, NOW)
    records = [
        *store(services, "poisoned", added()),
        *store(services, "ancient", added(), outreach(YEAR_1), accepted),
        *store(services, "ok", added()),
    ]
    services.projector.handle({"Records": records})
    store(services, "poisoned", POISON)

    # When the sweep runs two days later
    with caplog.at_level(logging.ERROR):
        # at 10:00 in Los Angeles: in ada's reminder window
        report = services.reminder_sweep.run(NOW + days(2) + days(1) / 6)

    # Then the ordinary contact is reminded, the other two are skipped and named in the log
    assert [(c.reminder.contact_id, c.planned.action) for c in report.sent] == [
        ("ok", Action.REACH_OUT)
    ]
    assert (report.skipped_contacts, report.errors) == (2, 0)
    assert "skipped contact T#acme#C#poisoned" in caplog.text
    assert "last_outreach_at" in caplog.text


def test_the_commands_name_a_stream_they_cannot_fold_and_exit_1(
    services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given, on DynamoDB, a poisoned stream beside an ordinary one
    store(services, "poisoned", added(), POISON)
    store(services, "ok", added())

    # When the operator rebuilds, then verifies
    rebuilt = main(["rebuild-projections"])
    rebuild_said = capsys.readouterr()
    verified = main(["verify-projections"])
    verify_said = capsys.readouterr().out

    # Then both finish, exit 1 and name it; the ordinary contact is rebuilt and matches
    assert rebuilt == 1
    assert "projected 1 contacts" in rebuild_said.out
    assert "skipped acme/poisoned" in rebuild_said.err
    assert verified == 1
    assert verify_said.splitlines()[0].startswith("cannot fold stream acme/poisoned: ")
    assert "1 read models differ" in verify_said
    assert ("acme", "ada", "ok") in services.view_store.snapshot().views
