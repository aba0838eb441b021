"""The email a sweep sends, read back as raw MIME, as a mail client would."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import icalendar
import pytest

from chalicelib.clock import FixedClock
from chalicelib.domain import events as ev
from chalicelib.domain.vocabulary import ResearchSubject
from chalicelib.reminders.unsubscribe import accepted_secrets, verify_unsubscribe_token
from chalicelib.settings import Settings
from tests.calendar_feed.rfc5545 import check_ics
from tests.reminders.html_text import links, visible_text
from tests.reminders.sweep_support import World, utc

SCRIPT_NAME = '<script>alert("hi")</script> Ada'


@pytest.fixture
def world(settings: Settings, clock: FixedClock) -> World:
    return World.in_memory(settings, clock)


def test_the_briefing_email_is_a_two_part_digest_with_escaped_names_and_one_click_unsubscribe(
    world: World, settings: Settings
) -> None:
    # Given a Tokyo user whose contact's name carries a script, with an interview on Friday
    # 15:00 JST, questions and research, and reminders already sent for the earlier steps
    who = world.user(timezone="Asia/Tokyo")
    contact = world.add(who, name=SCRIPT_NAME, company="Acme <Pay>", role="Staff Engineer")
    world.step(who, contact, ev.OutreachSent())
    world.step(
        who, contact, ev.InterviewScheduled(starts_at=utc("2026-12-04T06:00"), location="Zoom")
    )
    world.step(
        who, contact, ev.QuestionsPrepared(questions=["How did you move into <b>product</b>?"])
    )
    world.step(
        who, contact, ev.ResearchNoted(subject=ResearchSubject.COMPANY, text="Ships payment APIs")
    )

    # When the sweep runs at 09:00 JST on the interview's day
    report = world.sweep(utc("2026-12-04T00:00"))

    # Then one email leaves, from REMINDER_FROM to the user, with both parts
    assert report.emails == 1
    [email] = world.emails()
    assert email.header("From") == settings.reminder_from
    assert email.header("To") == who.email
    assert email.header("Subject") == f"Your interview with {SCRIPT_NAME}, today at 15:00"
    # (text and HTML as alternatives, then the interview as an .ics invite)
    assert email.message.get_content_type() == "multipart/mixed"
    alternative, invite = email.message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_filename() == "interview.ics"
    assert invite.get_param("method") == "PUBLISH"
    ics = invite.get_payload(decode=True)
    check_ics(ics)
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["UID"]).startswith(f"interview-{contact}@")
    assert event.decoded("DTSTART") == utc("2026-12-04T06:00")
    assert str(event["LOCATION"]) == "Zoom"
    assert "How did you move into <b>product</b>?" in str(event["DESCRIPTION"])

    # ... the name escaped in HTML, intact in text
    assert "<script" not in email.html
    assert "&lt;script&gt;" in email.html
    assert "<b>product</b>" not in email.html
    assert SCRIPT_NAME in email.text
    assert SCRIPT_NAME in visible_text(email.html)

    # ... what the briefing needs: time and place, questions, research, etiquette
    for part in (email.text, visible_text(email.html)):
        assert "Zoom" in part
        assert "How did you move into <b>product</b>?" in part
        assert "Ships payment APIs" in part
        assert "show up early" in part

    # ... a link to the contact in the app
    contact_link = f"{settings.app_base_url}/#/contacts/{contact}"
    assert contact_link in email.text
    assert contact_link in links(email.html)

    # ... and an unsubscribe link for this user, in both parts and in the RFC 8058 headers
    link = email.header("List-Unsubscribe").removeprefix("<").removesuffix(">")
    assert email.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert link.startswith(f"{settings.app_base_url}/unsubscribe?token=")
    assert link in email.text
    assert link in links(email.html)
    [token] = parse_qs(urlparse(link).query)["token"]
    secrets = accepted_secrets(settings.unsubscribe_secret)
    assert verify_unsubscribe_token(secrets, token) == ("acme", "ada")


def test_the_follow_up_email_says_how_long_it_has_been(world: World) -> None:
    who = world.user(timezone="America/Los_Angeles")
    contact = world.add(who, name="Ben Ortiz")
    world.step(who, contact, ev.OutreachSent())

    world.sweep(utc("2026-12-07T17:00"))

    [email] = world.emails()
    assert email.header("Subject") == "Follow up with Ben Ortiz"
    assert "It has been 7 business days since you reached out to Ben Ortiz" in email.text
    assert "Times are in America/Los_Angeles time." in email.text
