"""The metrics Rapport emits itself (EMF lines, `chalicelib/telemetry.py`) that alarms watch.

Plain Python, no CDK: `tests/operations/test_alarm_metrics.py` imports it to emit each one
through the code path it is about and compare the EMF line with what the alarm watches.
"""

from __future__ import annotations

from dataclasses import dataclass

NAMESPACE = "Rapport"
# Powertools' default dimension (chalicelib/telemetry.py SERVICE): an alarm must name it too.
DIMENSIONS = {"service": "rapport-service"}


@dataclass(frozen=True)
class AppMetric:
    """One of the app's metrics and the alarm on it."""

    alarm: str
    metric: str
    statistic: str
    threshold: float
    evaluation_periods: int = 1


SWEEP_FAILURES = AppMetric("sweep-failures", "RemindersFailed", "Sum", 1)
RECORDS_SET_ASIDE = AppMetric("records-set-aside", "RecordsSetAside", "Sum", 1)
# Milliseconds of the oldest record at projection; a minute, three periods running, is an outage.
PROJECTION_LAG = AppMetric("projection-lag", "ProjectionLag", "Maximum", 60_000, 3)
APP_METRICS = (SWEEP_FAILURES, RECORDS_SET_ASIDE, PROJECTION_LAG)
