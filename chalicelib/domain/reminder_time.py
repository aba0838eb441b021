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


# A reminder email leaves only in the user's window: three real hours from the reminder hour.
WINDOW = timedelta(hours=3)


def _window_starts(now: datetime, settings: UserSettings) -> list[datetime]:
    """The window starts (UTC) of the local days around `now`, in order."""
    zone = ZoneInfo(settings.timezone)
    today = now.astimezone(zone).date()
    starts = []
    for offset in (-1, 0, 1, 2):
        try:
            day = today + timedelta(days=offset)
            starts.append(_at_reminder_hour(day, settings.reminder_hour, zone).astimezone(UTC))
        except OverflowError:
            continue
    return sorted(starts)


def in_window(now: datetime, settings: UserSettings) -> bool:
    """Whether `now` lies in the user's reminder window: [reminder hour, +3 h) local."""
    return any(start <= now < start + WINDOW for start in _window_starts(now, settings))


def next_window_start(now: datetime, settings: UserSettings) -> datetime:
    """`now` when it is in the window, else the start (UTC) of the next window."""
    if in_window(now, settings):
        return now.astimezone(UTC)
    return next(start for start in _window_starts(now, settings) if start > now)
