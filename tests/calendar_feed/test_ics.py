"""The feed and the invite: valid by a strict reading, stable, and true to the user's text.

Every rendering is checked twice: by `check_ics` (strict, independent of icalendar, on the
octets) and by parsing it back with icalendar (the values survive escaping and folding).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event

from chalicelib.calendar_feed.ics import (
    PRODID,
    FeedDueStep,
    FeedInterview,
    calendar_feed,
    interview_invite,
)
from tests.calendar_feed.rfc5545 import check_ics, unfold

NOW = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
DOMAIN = "rapport.example"
DASHBOARD = "https://rapport.example/app/dashboard"


def _interview(**changes: object) -> FeedInterview:
    fields: dict[str, object] = {
        "contact_id": "c-ada",
        "contact_name": "Ada Lovelace",
        "starts_at": datetime(2026, 5, 4, 15, 0, tzinfo=UTC),
        "duration_minutes": 30,
        "location": "Zoom",
        "questions": ("How did you get started?", "What would you do differently?"),
        "company": "Analytical Engines",
        "sequence": 0,
    }
    fields.update(changes)
    return FeedInterview(**fields)  # type: ignore[arg-type]  # the test's overrides are loose


def _step(**changes: object) -> FeedDueStep:
    fields: dict[str, object] = {
        "contact_id": "c-bob",
        "contact_name": "Bob Noyce",
        "action": "send_follow_up",
        "label": "Send a follow-up",
        "due_on": date(2026, 5, 6),
    }
    fields.update(changes)
    return FeedDueStep(**fields)  # type: ignore[arg-type]  # the test's overrides are loose


def _feed(
    interviews: tuple[FeedInterview, ...] = (),
    steps: tuple[FeedDueStep, ...] = (),
    **options: str,
) -> bytes:
    return calendar_feed(interviews=interviews, due_steps=steps, now=NOW, domain=DOMAIN, **options)


def _parsed(data: bytes) -> Calendar:
    """`check_ics` first, then icalendar's reading: the tests below ask it for values."""
    check_ics(data)
    return Calendar.from_ical(data)


def _events(data: bytes) -> list[Event]:
    return _parsed(data).events


def _by_uid(data: bytes) -> dict[str, Event]:
    return {str(event["UID"]): event for event in _events(data)}


def _lines(data: bytes, name: str) -> list[str]:
    return [line for line in unfold(data) if line.split(":", 1)[0].split(";", 1)[0] == name]


def _unescaped(value: object) -> str:
    """TEXT unescaped: icalendar reads X-WR-CALNAME and NAME as unknown types, left escaped."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], str(value))


# -- The calendar ------------------------------------------------------------------------------


def test_the_feed_has_the_calendar_properties_clients_need() -> None:
    calendar = _parsed(_feed((_interview(),), (_step(),), calendar_name="Ada's Rapport"))

    assert str(calendar["PRODID"]) == PRODID
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert _unescaped(calendar["X-WR-CALNAME"]) == "Ada's Rapport"
    assert calendar.refresh_interval == timedelta(hours=1)


def test_refresh_interval_and_published_ttl_say_one_hour() -> None:
    data = _feed()

    # RFC 7986 requires the VALUE=DURATION parameter; X-PUBLISHED-TTL is Outlook's spelling.
    assert _lines(data, "REFRESH-INTERVAL") == ["REFRESH-INTERVAL;VALUE=DURATION:PT1H"]
    assert _lines(data, "X-PUBLISHED-TTL") == ["X-PUBLISHED-TTL:PT1H"]


def test_an_empty_feed_is_still_a_valid_calendar() -> None:
    data = _feed()

    calendar = _parsed(data)
    assert calendar.events == []
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")


def test_a_calendar_name_with_commas_and_a_newline_is_escaped() -> None:
    data = _feed(calendar_name="Ada, Inc.; interviews\nand more")

    # The name is one line; its comma and semicolon are escaped TEXT (check_ics insists).
    calendar = _parsed(data)
    assert _unescaped(calendar["X-WR-CALNAME"]) == "Ada, Inc.; interviews and more"
    assert _lines(data, "X-WR-CALNAME") == [r"X-WR-CALNAME:Ada\, Inc.\; interviews and more"]


# -- Interviews --------------------------------------------------------------------------------


def test_an_interview_is_a_timed_utc_event_with_a_stable_uid() -> None:
    event = _by_uid(_feed((_interview(),)))["interview-c-ada@rapport.example"]

    assert event.decoded("DTSTART") == datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 5, 4, 15, 30, tzinfo=UTC)
    assert event.decoded("DTSTAMP") == NOW
    assert event.sequence == 0
    assert str(event["SUMMARY"]) == "Informational interview with Ada Lovelace (Analytical Engines)"
    assert str(event["LOCATION"]) == "Zoom"


def test_times_are_written_in_utc_whatever_zone_they_come_in() -> None:
    eastern = timezone(timedelta(hours=-4))
    data = calendar_feed(
        interviews=(_interview(starts_at=datetime(2026, 5, 4, 11, 0, tzinfo=eastern)),),
        due_steps=(),
        now=datetime(2026, 5, 1, 5, 30, 0, 123456, tzinfo=eastern),
        domain=DOMAIN,
    )

    check_ics(data)
    assert _lines(data, "DTSTART") == ["DTSTART:20260504T150000Z"]
    assert _lines(data, "DTEND") == ["DTEND:20260504T153000Z"]
    assert _lines(data, "DTSTAMP") == ["DTSTAMP:20260501T093000Z"]


def test_the_summary_leaves_out_a_missing_company_and_location() -> None:
    data = _feed((_interview(company=None, location=None),))
    event = _events(data)[0]

    assert str(event["SUMMARY"]) == "Informational interview with Ada Lovelace"
    assert "LOCATION" not in event


def test_the_prepared_questions_are_a_numbered_list_in_the_description() -> None:
    event = _events(_feed((_interview(),)))[0]

    assert str(event["DESCRIPTION"]) == (
        "Your questions:\n1. How did you get started?\n2. What would you do differently?"
    )


def test_without_questions_the_description_says_to_prepare_some() -> None:
    for questions in ((), ("", "   ")):
        event = _events(_feed((_interview(questions=questions),)))[0]
        description = str(event["DESCRIPTION"])
        assert "Prepare a few" in description
        assert "1." not in description


def test_an_interview_reminds_thirty_minutes_before() -> None:
    event = _events(_feed((_interview(),)))[0]
    [alarm] = event.walk("VALARM")

    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-30)
    assert "Ada Lovelace" in str(alarm["DESCRIPTION"])


def test_a_reschedule_keeps_the_uid_and_raises_the_sequence() -> None:
    before = _events(_feed((_interview(sequence=3),)))[0]
    moved = _interview(starts_at=datetime(2026, 5, 5, 16, 0, tzinfo=UTC), sequence=4)
    after = _events(_feed((moved,)))[0]

    assert after["UID"] == before["UID"] == "interview-c-ada@rapport.example"
    assert (before.sequence, after.sequence) == (3, 4)
    assert after.decoded("DTSTART") == datetime(2026, 5, 5, 16, 0, tzinfo=UTC)
    assert before.decoded("DTSTART") != after.decoded("DTSTART")


def test_uids_are_the_same_across_renders() -> None:
    first = _by_uid(_feed((_interview(),), (_step(),)))
    second = _by_uid(
        calendar_feed(
            interviews=(_interview(),),
            due_steps=(_step(),),
            now=NOW + timedelta(hours=5),
            domain=DOMAIN,
        )
    )

    assert (
        set(first)
        == set(second)
        == {
            "interview-c-ada@rapport.example",
            "due-c-bob-send_follow_up@rapport.example",
        }
    )


def test_two_events_with_one_uid_are_refused() -> None:
    with pytest.raises(ValueError, match="share a UID"):
        _feed((_interview(), _interview(starts_at=datetime(2026, 6, 1, tzinfo=UTC))))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_at": datetime(2026, 5, 4, 15, 0)}, "timezone-aware"),
        ({"duration_minutes": 0}, "positive"),
        ({"sequence": -1}, "negative"),
        ({"contact_id": ""}, "contact_id"),
    ],
)
def test_an_interview_the_calendar_cannot_show_is_refused(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        _interview(**changes)


def test_a_naive_now_or_a_bad_domain_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar_feed(interviews=(), due_steps=(), now=datetime(2026, 5, 1), domain=DOMAIN)
    with pytest.raises(ValueError, match="domain"):
        calendar_feed(interviews=(_interview(),), due_steps=(), now=NOW, domain="")


# -- Due steps ---------------------------------------------------------------------------------


def test_a_due_step_is_an_all_day_transparent_event_ending_the_next_day() -> None:
    data = _feed(steps=(_step(),), dashboard_url=DASHBOARD)
    event = _by_uid(data)["due-c-bob-send_follow_up@rapport.example"]

    assert _lines(data, "DTSTART") == ["DTSTART;VALUE=DATE:20260506"]
    assert _lines(data, "DTEND") == ["DTEND;VALUE=DATE:20260507"]
    assert event.decoded("DTSTART") == date(2026, 5, 6)
    assert event.decoded("DTEND") == date(2026, 5, 7)
    assert str(event["SUMMARY"]) == "Send a follow-up: Bob Noyce"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert str(event["URL"]) == DASHBOARD
    assert DASHBOARD in str(event["DESCRIPTION"])
    assert not event.walk("VALARM")


def test_a_due_step_without_a_dashboard_has_no_url() -> None:
    event = _events(_feed(steps=(_step(),)))[0]

    assert "URL" not in event
    assert "Send a follow-up" in str(event["DESCRIPTION"])


def test_a_due_step_on_a_datetime_is_refused() -> None:
    with pytest.raises(TypeError, match="date"):
        _step(due_on=datetime(2026, 5, 6, tzinfo=UTC))


def test_two_steps_for_one_contact_have_different_uids() -> None:
    steps = (_step(), _step(action="schedule_interview", label="Schedule the interview"))

    assert set(_by_uid(_feed(steps=steps))) == {
        "due-c-bob-send_follow_up@rapport.example",
        "due-c-bob-schedule_interview@rapport.example",
    }


# -- Stability ---------------------------------------------------------------------------------


def test_events_are_sorted_by_start_then_uid() -> None:
    interviews = (
        _interview(contact_id="c-z", starts_at=datetime(2026, 5, 6, 0, 0, tzinfo=UTC)),
        _interview(contact_id="c-a", starts_at=datetime(2026, 5, 6, 0, 0, tzinfo=UTC)),
        _interview(contact_id="c-early", starts_at=datetime(2026, 5, 2, 8, 0, tzinfo=UTC)),
    )
    steps = (_step(due_on=date(2026, 5, 6)), _step(contact_id="c-late", due_on=date(2026, 5, 9)))

    uids = [str(event["UID"]) for event in _events(_feed(interviews, steps))]

    assert uids == [
        "interview-c-early@rapport.example",
        "due-c-bob-send_follow_up@rapport.example",
        "interview-c-a@rapport.example",
        "interview-c-z@rapport.example",
        "due-c-late-send_follow_up@rapport.example",
    ]


def test_the_same_input_gives_the_same_bytes_in_any_order() -> None:
    interviews = (_interview(), _interview(contact_id="c-grace", contact_name="Grace Hopper"))
    steps = (_step(), _step(contact_id="c-linus", due_on=date(2026, 5, 2)))

    first = _feed(interviews, steps, dashboard_url=DASHBOARD)
    again = _feed(interviews, steps, dashboard_url=DASHBOARD)
    shuffled = _feed(interviews[::-1], steps[::-1], dashboard_url=DASHBOARD)

    assert first == again == shuffled


# -- Awkward text ------------------------------------------------------------------------------

NASTY = 'Zoë "Z", O\'Brien; née Ünal\nsecond line 🎉🚀 \\ back\\slash'


def test_commas_semicolons_newlines_and_emoji_survive_a_round_trip() -> None:
    interview = _interview(
        contact_name=NASTY,
        company="Smith, Jones; & Co. 🏢",
        location="Room 4, Floor 2; Building 🅱\nring the bell",
        questions=("Why, and how?", "What's next; really?\n(follow-up)", "Emoji? 🤔"),
    )
    event = _events(_feed((interview,)))[0]

    # Names and places are one line, so their line breaks become spaces.
    one_line = NASTY.replace("\n", " ")
    assert str(event["SUMMARY"]) == (
        f"Informational interview with {one_line} (Smith, Jones; & Co. 🏢)"
    )
    assert str(event["LOCATION"]) == "Room 4, Floor 2; Building 🅱 ring the bell"
    assert str(event["DESCRIPTION"]) == (
        "Your questions:\n1. Why, and how?\n2. What's next; really? (follow-up)\n3. Emoji? 🤔"
    )


def test_a_very_long_name_is_folded_into_short_lines_and_read_back_whole() -> None:
    name = "Bartholomew-Maximilian, " * 12 + "é😀" * 30  # well over 300 characters
    assert len(name) > 300
    data = _feed((_interview(contact_name=name),), (_step(contact_name=name),))

    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    summaries = {str(event["SUMMARY"]) for event in _events(data)}
    assert summaries == {
        f"Informational interview with {name} (Analytical Engines)",
        f"Send a follow-up: {name}",
    }


def test_the_escaped_text_is_what_rfc_5545_asks_for() -> None:
    data = _feed((_interview(contact_name="A, B; C\\D", company=None, location=None),))

    assert _lines(data, "SUMMARY") == [r"SUMMARY:Informational interview with A\, B\; C\\D"]
    description = _lines(data, "DESCRIPTION")[0]  # the event's; the alarm's follows
    assert r"\n1. " in description
    assert "\n" not in description


def test_control_characters_and_lone_surrogates_do_not_break_the_feed() -> None:
    name = "Ada\x00\x07\x1b[31m\x7f Love\ud800lace\r\nthe second"
    data = _feed((_interview(contact_name=name, questions=("one\rtwo\x0bthree",)),))

    event = _events(data)[0]
    assert str(event["SUMMARY"]) == (
        "Informational interview with Ada[31m Love?lace the second (Analytical Engines)"
    )
    assert str(event["DESCRIPTION"]) == "Your questions:\n1. one twothree"


# -- The invite --------------------------------------------------------------------------------


def test_the_invite_is_one_published_event_matching_the_feed() -> None:
    invite = interview_invite(_interview(sequence=2), now=NOW, domain=DOMAIN)
    feed = _feed((_interview(sequence=2),))

    calendar = _parsed(invite)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["PRODID"]) == PRODID
    [event] = calendar.walk("VEVENT")
    # The same VEVENT as in the feed, so importing both shows one interview.
    assert event.to_ical() == _events(feed)[0].to_ical()
    assert "ORGANIZER" not in event


def test_the_invite_names_the_organizer_when_given() -> None:
    invite = interview_invite(
        _interview(), now=NOW, domain=DOMAIN, organizer_email="briefings@rapport.example"
    )

    [event] = _events(invite)
    assert str(event["ORGANIZER"]) == "mailto:briefings@rapport.example"
    assert interview_invite(_interview(), now=NOW, domain=DOMAIN) == interview_invite(
        _interview(), now=NOW, domain=DOMAIN
    )


def test_an_organizer_that_is_not_an_address_is_refused() -> None:
    with pytest.raises(ValueError, match="organizer_email"):
        interview_invite(_interview(), now=NOW, domain=DOMAIN, organizer_email="x\r\nATTACH:y")


# -- Properties --------------------------------------------------------------------------------

# Printable text: no control characters or surrogates, which the module cleans away on purpose
# (see the test above), so what goes in must come back exactly. Line breaks are Cc too.
printable = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=0, max_size=400
)
anything = st.text(max_size=300)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2099, 12, 31),
    timezones=st.just(UTC),
)

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(
    name=printable,
    company=st.none() | printable,
    label=printable,
    starts_at=moments,
    due_on=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 30)),
)
def test_printable_text_always_gives_a_valid_feed_and_round_trips_the_summary(
    name: str, company: str | None, label: str, starts_at: datetime, due_on: date
) -> None:
    data = _feed(
        (_interview(contact_name=name, company=company, starts_at=starts_at),),
        (_step(contact_name=name, label=label, due_on=due_on),),
    )

    events = _by_uid(data)  # runs check_ics
    suffix = f" ({company})" if company else ""
    interview = events["interview-c-ada@rapport.example"]
    assert str(interview["SUMMARY"]) == f"Informational interview with {name}{suffix}"
    assert str(events["due-c-bob-send_follow_up@rapport.example"]["SUMMARY"]) == f"{label}: {name}"


@PROPERTY_SETTINGS
@given(
    name=anything,
    location=st.none() | anything,
    questions=st.lists(anything, max_size=4).map(tuple),
    calendar_name=anything,
    contact_id=anything.filter(bool),
)
def test_any_text_at_all_still_gives_a_valid_feed_and_invite(
    name: str,
    location: str | None,
    questions: tuple[str, ...],
    calendar_name: str,
    contact_id: str,
) -> None:
    interview = _interview(
        contact_id=contact_id, contact_name=name, location=location, questions=questions
    )

    feed = _feed(
        (interview,), (_step(contact_id=contact_id, label=name),), calendar_name=calendar_name
    )
    invite = interview_invite(interview, now=NOW, domain=DOMAIN)

    assert len(_events(feed)) == 2
    assert len(_events(invite)) == 1
