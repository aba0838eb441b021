"""Data that cannot be true: an interview logged before it began, names nobody can read, and
LinkedIn URLs that lead somewhere else. Each refusal says, in words, which fact blocks it."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain import events as ev
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.domain.new_values import is_linkedin_url, is_visible
from chalicelib.domain.rules import check_allowed
from tests.domain.builders import (
    ACCEPTED,
    ADDED,
    COMPLETED,
    OUTREACH,
    given,
    interview,
    utc,
)

STARTS = utc("2026-12-04T15:00")
BOOKED = given(ADDED, OUTREACH, ACCEPTED, interview(STARTS))


def test_an_interview_logged_before_it_starts_is_refused_naming_its_start() -> None:
    with pytest.raises(StepNotAllowedError) as refused:
        check_allowed(BOOKED, COMPLETED, at=utc("2026-11-26T14:00"))

    assert str(refused.value) == (
        "the interview starts Fri 4 Dec 15:00 UTC: log it after it happened, or reschedule it"
    )


def test_an_interview_of_2000_logged_in_1995_names_the_year_it_starts() -> None:
    booked = given(ADDED, OUTREACH, ACCEPTED, interview(utc("2000-06-01T10:00")))

    with pytest.raises(StepNotAllowedError, match=r"starts Thu 1 Jun 2000 10:00 UTC"):
        check_allowed(booked, COMPLETED, at=utc("1995-03-01T10:00"))


@pytest.mark.parametrize("at", [STARTS, utc("2026-12-04T15:30"), utc("2027-01-10T09:00")])
def test_an_interview_logged_from_its_start_on_is_allowed(at: datetime) -> None:
    check_allowed(BOOKED, COMPLETED, at=at)


def test_a_rescheduled_interview_is_judged_by_its_new_start() -> None:
    moved = given(
        ADDED,
        OUTREACH,
        ACCEPTED,
        interview(STARTS),
        ev.InterviewRescheduled(starts_at=utc("2026-11-20T15:00")),
    )

    check_allowed(moved, COMPLETED, at=utc("2026-11-26T14:00"))


def test_a_step_dated_before_the_contact_was_added_is_fine() -> None:
    # People add a contact after they wrote to them.
    added = given((utc("2026-11-26T14:00"), ADDED))

    check_allowed(added, OUTREACH, at=utc("2026-10-01T09:00"))


@pytest.mark.parametrize(
    "name", ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", " \t ", "\u0301", "\u3164", "\u2800"]
)
def test_a_name_of_only_invisible_characters_is_not_visible(name: str) -> None:
    assert not is_visible(name)


@pytest.mark.parametrize("name", ["Ada", "李", "\u200bAda", "O'Neil", "5", "Zoë"])
def test_a_name_with_one_visible_character_is_visible(name: str) -> None:
    assert is_visible(name)


@pytest.mark.parametrize(
    "url",
    [
        "https://linkedin.com@evil.example/",
        "https://user:pass@www.linkedin.com/in/ada",
        "https://www.linkedin.com:8443/in/ada",
        "https://www.linkedin.com:/in/ada",
        "http://www.linkedin.com/in/ada",
        "https://evil-linkedin.com/in/ada",
        "https://linkedin.com.evil.example/in/ada",
        "https://www.linkedin.com\\@evil.example/",
        "https://www.linkedin.com/in/ada\n",
        "https://example.com/in/ada",
        "linkedin.com/in/ada",
        "https://[::1/in/ada",
    ],
)
def test_a_url_that_is_not_on_a_linkedin_host_over_https_is_refused(url: str) -> None:
    assert not is_linkedin_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/ada-park",
        "https://linkedin.com/in/ada",
        "https://de.linkedin.com/in/ada?trk=x#top",
        "https://WWW.LinkedIn.com/in/ada",
    ],
)
def test_a_linkedin_url_over_https_is_accepted(url: str) -> None:
    assert is_linkedin_url(url)
