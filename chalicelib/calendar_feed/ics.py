"""Render a user's interviews and due steps as iCalendar (RFC 5545) bytes.

Two products share one event builder, so an interview looks the same wherever a client meets it:

- `calendar_feed`: the subscription feed (``webcal://``), polled by calendar clients;
- `interview_invite`: one interview, attached to the briefing email.

The module is pure (no AWS, no Chalice, no clock): callers pass `now` and the data, so the output
is a function of the input and the same input gives the same bytes. The text is produced by the
`icalendar` library, never by hand, so escaping and line folding are its job; our job is to give
it clean values and the right value types (see `_text_value`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event, vCalAddress, vDuration, vText

__all__ = ["FeedDueStep", "FeedInterview", "calendar_feed", "interview_invite"]

PRODID = "-//Rapport//Informational interviews//EN"
# Clients should re-fetch the feed hourly: RFC 7986 REFRESH-INTERVAL for those that read it,
# X-PUBLISHED-TTL for Outlook and older Apple clients, which read only that.
REFRESH_INTERVAL = timedelta(hours=1)
# The interview reminder fires this long before the start.
ALARM_BEFORE = timedelta(minutes=30)

# RFC 5545 forbids control characters other than HTAB in values (section 3.1); icalendar would
# write them through, and one stray byte in a contact's name would break the whole feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class FeedInterview:
    """An upcoming interview with a contact, as the calendar shows it.

    `sequence` goes into SEQUENCE: pass something that grows on every reschedule (the contact's
    stream version, or a reschedule count) so clients replace the event instead of ignoring it.
    """

    contact_id: str
    contact_name: str
    starts_at: datetime  # aware; converted to UTC
    duration_minutes: int
    location: str | None
    questions: tuple[str, ...]
    company: str | None = None
    sequence: int = 0

    def __post_init__(self) -> None:
        # Fail where the bad value is made, not deep inside a feed render.
        _require_aware(self.starts_at, "starts_at")
        if self.duration_minutes <= 0:
            raise ValueError(f"duration_minutes must be positive, got {self.duration_minutes}")
        if self.sequence < 0:
            raise ValueError(f"sequence must not be negative, got {self.sequence}")
        if not self.contact_id:
            raise ValueError("contact_id must not be empty: it makes the event's UID")


@dataclass(frozen=True)
class FeedDueStep:
    """A next step that falls due on a day (e.g. "Send a follow-up"), shown as an all-day event."""

    contact_id: str
    contact_name: str
    action: str  # machine name, e.g. "send_follow_up"; part of the UID
    label: str  # human text, e.g. "Send a follow-up"
    due_on: date

    def __post_init__(self) -> None:
        if isinstance(self.due_on, datetime):
            # A datetime is a date too; it would silently become a timed event.
            raise TypeError("due_on must be a date, not a datetime")
        if not self.contact_id or not self.action:
            raise ValueError("contact_id and action must not be empty: they make the event's UID")


def calendar_feed(
    *,
    interviews: Sequence[FeedInterview],
    due_steps: Sequence[FeedDueStep],
    now: datetime,
    domain: str,
    calendar_name: str = "Rapport",
    dashboard_url: str | None = None,
) -> bytes:
    """The subscription feed: every interview and due step, sorted by start then UID.

    The sort (and icalendar's canonical property order) makes the bytes stable for the same
    input, so a feed that did not change renders identically apart from DTSTAMP (`now`).
    Raises ValueError when two events would share a UID: a client would keep only one of them.
    """
    stamp = _utc(now, "now")
    events = [_interview_event(interview, stamp=stamp, domain=domain) for interview in interviews]
    events += [
        _due_step_event(step, stamp=stamp, domain=domain, dashboard_url=dashboard_url)
        for step in due_steps
    ]
    calendar = _calendar(events)
    name = _text_value(calendar_name, single_line=True)
    # icalendar types NAME and X-WR-CALNAME as "unknown" and would write them unescaped, so a
    # comma in the name would corrupt the line; vText escapes them as the TEXT they are.
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    return calendar.to_ical()


def interview_invite(
    interview: FeedInterview,
    *,
    now: datetime,
    domain: str,
    organizer_email: str | None = None,
) -> bytes:
    """A one-event calendar (METHOD:PUBLISH) for the briefing email's attachment.

    The event is the feed's event (same UID and SEQUENCE), so a user who imports the invite and
    also subscribes sees one interview, not two. PUBLISH rather than REQUEST: there is no one to
    reply to, the user only adds it to their own calendar.
    """
    event = _interview_event(interview, stamp=_utc(now, "now"), domain=domain)
    if organizer_email is not None:
        event.add("organizer", vCalAddress(f"mailto:{_email(organizer_email)}"))
    return _calendar([event]).to_ical()


def _calendar(events: Iterable[Event]) -> Calendar:
    """A VCALENDAR with the properties both products share and the events in stable order."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    ordered = sorted(events, key=_sort_key)
    uids = Counter(str(event["UID"]) for event in ordered)
    duplicates = sorted(uid for uid, count in uids.items() if count > 1)
    if duplicates:
        raise ValueError(f"events share a UID, clients would drop all but one: {duplicates}")
    for event in ordered:
        calendar.add_component(event)
    return calendar


def _sort_key(event: Event) -> tuple[datetime, str]:
    """By start, then UID; an all-day event starts at midnight UTC for the comparison."""
    start = event.decoded("DTSTART")
    if not isinstance(start, datetime):
        start = datetime.combine(start, time(), UTC)
    return start, str(event["UID"])


def _interview_event(interview: FeedInterview, *, stamp: datetime, domain: str) -> Event:
    """The VEVENT for an interview, with a reminder 30 minutes before.

    The UID is the contact's, not the interview's: a contact has at most one upcoming interview,
    so a reschedule (new DTSTART, higher SEQUENCE) updates the event the client already has.
    """
    start = _utc(interview.starts_at, "starts_at")
    name = _text_value(interview.contact_name, single_line=True)
    summary = f"Informational interview with {name}"
    if interview.company:
        summary += f" ({_text_value(interview.company, single_line=True)})"

    event = Event()
    event.add("uid", _uid(f"interview-{interview.contact_id}", domain))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=interview.duration_minutes))
    event.add("sequence", interview.sequence)
    event.add("summary", summary)
    if interview.location:
        event.add("location", _text_value(interview.location, single_line=True))
    event.add("description", _questions(interview.questions))

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -ALARM_BEFORE)
    alarm.add("description", f"{summary} starts in 30 minutes")
    event.add_component(alarm)
    return event


def _questions(questions: Sequence[str]) -> str:
    """The DESCRIPTION: the prepared questions as a numbered list, or a nudge to prepare some."""
    cleaned = [_text_value(q, single_line=True).strip() for q in questions]
    cleaned = [q for q in cleaned if q]
    if not cleaned:
        return "No questions prepared yet. Prepare a few in Rapport before the conversation."
    numbered = "\n".join(f"{number}. {question}" for number, question in enumerate(cleaned, 1))
    return f"Your questions:\n{numbered}"


def _due_step_event(
    step: FeedDueStep, *, stamp: datetime, domain: str, dashboard_url: str | None
) -> Event:
    """The all-day VEVENT for a due step.

    TRANSPARENT: a reminder to act, not a meeting, so it must not block the day as busy.
    DTEND is the next day because an all-day DTEND is exclusive (RFC 5545 section 3.6.1).
    """
    name = _text_value(step.contact_name, single_line=True)
    label = _text_value(step.label, single_line=True)
    description = f"Next step with {name}: {label}."

    event = Event()
    event.add("uid", _uid(f"due-{step.contact_id}-{step.action}", domain))
    event.add("dtstamp", stamp)
    event.add("dtstart", step.due_on)
    event.add("dtend", step.due_on + timedelta(days=1))
    event.add("summary", f"{label}: {name}")
    event.add("transp", "TRANSPARENT")
    if dashboard_url:
        event.add("url", dashboard_url)
        description += f"\n\nOpen Rapport: {dashboard_url}"
    event.add("description", description)
    return event


def _text_value(value: str, *, single_line: bool = False) -> str:
    """User text made safe for a TEXT property; icalendar then escapes and folds it.

    Line breaks become LF (icalendar writes them as ``\\n``) or, for one-line fields such as a
    name, one space; other control characters are dropped (RFC 5545 forbids them); a lone
    surrogate (possible from JSON) becomes "?" instead of failing the UTF-8 encoding.
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if single_line:
        text = _LINE_BREAKS.sub(" ", text)
    return text.encode("utf-8", "replace").decode("utf-8")


def _utc(moment: datetime, what: str) -> datetime:
    """`moment` in UTC to the second: iCalendar has no sub-seconds, and UTC needs no VTIMEZONE."""
    _require_aware(moment, what)
    return moment.astimezone(UTC).replace(microsecond=0)


def _require_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {moment.isoformat()}")


def _uid(local: str, domain: str) -> str:
    """``local@domain``: RFC 5545 section 3.8.4.7 suggests a domain for global uniqueness.

    The ids are ours, but they are still cleaned like text: a control character in a UID would
    break the feed as surely as one in a name.
    """
    if not domain or any(char.isspace() for char in domain):
        raise ValueError(f"domain must be a non-empty host name, got {domain!r}")
    return _text_value(f"{local}@{domain}", single_line=True)


def _email(address: str) -> str:
    if "@" not in address or any(char.isspace() or char in "<>" for char in address):
        raise ValueError(f"organizer_email is not an email address: {address!r}")
    return address
