"""Each alarm on one of Rapport's own metrics watches a metric its code path really emits: the
path runs here as it would in Lambda, and its EMF line must name the alarm's metric, namespace
and dimensions. (The other alarms watch what AWS emits: Lambda's Errors and IteratorAge, the
failure queue's depth, SES reputation, API Gateway's 5XXError.)"""

from __future__ import annotations

import importlib.util
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.auth.identity import Identity
from chalicelib.clock import FixedClock
from chalicelib.domain import events as ev
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.reminders.mailer import MailRejectedError
from chalicelib.telemetry import metrics
from tests.operations.support import emf_lines, metric_values
from tests.projections.extreme_streams import NOW, POISON, added, contact_record, store, world

_SPEC = importlib.util.spec_from_file_location(
    "alarm_metrics",
    Path(__file__).resolve().parents[2] / "infra" / "rapport_infra" / "alarm_metrics.py",
)
assert _SPEC is not None
assert _SPEC.loader is not None
# By its path: `rapport_infra` itself would import the CDK (and start node).
alarm_metrics: Any = sys.modules.setdefault("alarm_metrics", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(alarm_metrics)

ADA = Identity(user_id="ada", tenant_id="acme", email="ada@example.com")


@pytest.fixture(autouse=True)
def in_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    """Metrics are emitted only where CloudWatch reads them: in a Lambda function."""
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "rapport-test-fn")
    metrics.clear_metrics()


def _emitted(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    metrics.flush_metrics()  # what the middleware's `log_metrics` does at the invocation's end
    return emf_lines(capsys)


def _watched(documents: list[dict[str, Any]], watched: Any) -> list[Any]:
    for document in documents:
        (directive,) = document["_aws"]["CloudWatchMetrics"]
        if watched.metric in {m["Name"] for m in directive["Metrics"]}:
            assert directive["Namespace"] == alarm_metrics.NAMESPACE
            assert directive["Dimensions"] == [list(alarm_metrics.DIMENSIONS)]
            assert {k: document[k] for k in alarm_metrics.DIMENSIONS} == alarm_metrics.DIMENSIONS
    return metric_values(documents, watched.metric)


def _due_follow_up(services: bootstrap.Services) -> str:
    """Ada's contact with an outreach, projected, and the clock past its follow-up."""
    services.settings_repository.put(
        "acme", "ada", services.settings_repository.get_or_create("acme", "ada", _settings())
    )
    contact_id = services.commands.add_contact(ADA, ev.ContactAdded(name="Grace"), None).contact[
        "contact_id"
    ]
    services.commands.record_step(ADA, contact_id, ev.OutreachSent())
    services.projector.project_contact("acme", "ada", contact_id)
    # 10:00 the next day: in the user's reminder window (09:00-12:00 UTC).
    services.clock.set(NOW + timedelta(days=14, hours=20))  # type: ignore[attr-defined]
    return str(contact_id)


def _settings() -> Any:
    from chalicelib.domain.user_settings import UserSettings

    return UserSettings(email="ada@example.com")


def test_a_user_whose_sweep_fails_is_counted_in_what_sweep_failures_watches(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    services = world(FixedClock(NOW))
    _due_follow_up(services)
    capsys.readouterr()

    def broken(*_: object) -> bool:
        raise RuntimeError("the claims table is away")

    monkeypatch.setattr(services.view_store, "hold_user", broken)
    report = services.reminder_sweep.run()

    assert report.errors == 1
    assert _watched(_emitted(capsys), alarm_metrics.SWEEP_FAILURES) == [1.0]


def test_an_unprojectable_stream_is_counted_in_what_records_set_aside_watches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    services = world()
    records = [*store(services, "poisoned", added(), POISON), *store(services, "ok", added())]
    capsys.readouterr()

    answer = services.projector.handle({"Records": records})

    assert answer == {"batchItemFailures": []}
    assert _watched(_emitted(capsys), alarm_metrics.RECORDS_SET_ASIDE) == [2.0]


def test_a_record_written_90_seconds_ago_is_what_projection_lag_watches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    services = world()
    store(services, "grace", added())
    record = contact_record("acme", "ada", "grace", 1)
    record["dynamodb"]["ApproximateCreationDateTime"] = NOW.timestamp() - 90
    capsys.readouterr()

    services.projector.handle({"Records": [record]})

    assert _watched(_emitted(capsys), alarm_metrics.PROJECTION_LAG) == [90_000.0]


def test_every_alarm_on_an_app_metric_has_a_test_here() -> None:
    tested = {"sweep-failures", "records-set-aside", "projection-lag"}
    assert {metric.alarm for metric in alarm_metrics.APP_METRICS} == tested


def test_sends_refusals_and_steps_are_counted(capsys: pytest.CaptureFixture[str]) -> None:
    # Given a due follow-up whose email SES refuses, then one it sends
    services = world(FixedClock(NOW))
    contact_id = _due_follow_up(services)
    services.mailer.fail_with = MailRejectedError("address rejected")  # type: ignore[attr-defined]
    services.reminder_sweep.run()
    services.mailer.fail_with = None  # type: ignore[attr-defined]
    services.reminder_sweep.run()
    # and a step that does not fit now
    with pytest.raises(StepNotAllowedError):
        services.commands.record_step(ADA, contact_id, ev.ContactAdded(name="Again"))

    documents = _emitted(capsys)

    assert metric_values(documents, "EmailsRefused") == [1.0]
    assert metric_values(documents, "RemindersSent") == [1.0]
    steps = [d for d in documents if "StepsRecorded" in d]
    assert sorted(d["type"] for d in steps) == ["contact_added", "outreach_sent"]
    (refused,) = [d for d in documents if "CommandsRefused" in d]
    assert (refused["command"], refused["reason"]) == ("record_step", "StepNotAllowed")
