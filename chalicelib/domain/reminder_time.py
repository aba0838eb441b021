"""When a reminder email goes out: at the user's reminder hour, in their timezone.

Most steps are reminded at the first reminder hour at or after they fall due, so a step due at
night waits for the morning. The interview-day briefing is the exception: it must arrive
before the interview, so it goes at the reminder hour of the interview's day, or of the day
before for an interview that starts earlier than that hour.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain.agenda import PlannedAction
from chalicelib.domain.moments import in_utc
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Action


def send_time(planned: PlannedAction, settings: UserSettings) -> datetime:
    """The moment the reminder for `planned` should be emailed (UTC); its due time itself when
    the reminder hour around it is off the calendar (the agenda never plans such a time)."""
    try:
        return _send_time(planned, settings)
    except OverflowError:
        return in_utc(planned.due_at)


def _send_time(planned: PlannedAction, settings: UserSettings) -> datetime:
    zone = ZoneInfo(settings.timezone)
    due_local = planned.due_at.astimezone(zone)
    at_hour = _at_reminder_hour(due_local.date(), settings.reminder_hour, zone)
    if planned.action is Action.ATTEND_INTERVIEW:
        if at_hour > due_local:
            at_hour = _at_reminder_hour(
                due_local.date() - timedelta(days=1), settings.reminder_hour, zone
            )
        return at_hour.astimezone(UTC)
    if at_hour < due_local:
        at_hour = _at_reminder_hour(
            due_local.date() + timedelta(days=1), settings.reminder_hour, zone
        )
    return at_hour.astimezone(UTC)


def _at_reminder_hour(day: object, hour: int, zone: ZoneInfo) -> datetime:
    # fold=0 and zoneinfo's normalisation: a reminder hour that does not exist on a
    # spring-forward day lands on the first valid instant after it.
    naive = datetime.combine(day, time(hour))  # type: ignore[arg-type]
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
