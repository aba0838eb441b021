"""The demo tenant: one user with a dozen contacts over every step of the guide.

Written through the application's own services (its commands), never straight into the
tables, so the events, the stream, the projections and the reminders are exactly what a real
user would have produced. A moving clock stands in for the past weeks: each step is recorded
at the time it "happened", so timelines read naturally and several reminders are already due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.auth.identity import Identity
from chalicelib.auth.minting import LOCAL_AUDIENCE, LOCAL_ISSUER, mint_token
from chalicelib.bootstrap import Services, bootstrap
from chalicelib.clock import FixedClock
from chalicelib.domain import events as ev
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Channel, ReplyOutcome, ResearchSubject, Source
from chalicelib.settings import Settings

DEMO_USER = Identity(user_id="demo-user", tenant_id="demo", email="demo@rapport.example")


def demo_settings(now: datetime) -> UserSettings:
    """The demo user's settings: reminders at the hour the demo was loaded (UTC), so the
    stack's first sweeps fall inside the reminder window (reminder_hour to 3 hours after it)
    and already find something to send."""
    return UserSettings(email=DEMO_USER.email, timezone="UTC", reminder_hour=now.hour)


DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
QUESTIONS = [
    "What led you to your current role?",
    "What has been a favorite project you work on?",
    "What's something you wish you could change about your role or job?",
]


@dataclass(frozen=True)
class DemoContact:
    """A contact as added `added_ago`, then its steps, each `(how long ago, step)`."""

    details: ev.ContactAdded
    added_ago: timedelta
    steps: tuple[tuple[timedelta, ev.EventData], ...] = ()


def demo_contacts(now: datetime) -> list[DemoContact]:
    """The demo's contacts as of `now`: interviews are placed around it."""
    tomorrow = (now + DAY).replace(hour=15, minute=0, second=0, microsecond=0)
    soon = (now + 40 * HOUR).replace(minute=0, second=0, microsecond=0)
    return [
        _contact("Priya Raman", "Acme Analytics", "Data Scientist", 2 * DAY),
        _contact(
            "Marcus Chen",
            "Northwind",
            "Product Manager",
            14 * DAY,
            (
                12 * DAY,
                ev.OutreachSent(
                    channel=Channel.LINKEDIN,
                    message="Loved your talk on pricing; could we talk for 20 minutes?",
                ),
            ),
        ),
        DemoContact(
            ev.ContactAdded(
                name="Sofia Alvarez",
                company="Globex",
                role="UX Researcher",
                source=Source.INTRODUCTION,
                introduced_by="Prof. Lee",
            ),
            4 * DAY,
            ((3 * DAY, ev.IntroductionRequested(via="Prof. Lee")),),
        ),
        _contact(
            "Daniel Okafor",
            "Initech",
            "Staff Engineer",
            30 * DAY,
            (25 * DAY, ev.OutreachSent()),
            (14 * DAY, ev.FollowUpSent()),
        ),
        _contact(
            "Hannah Weiss",
            "Umbrella Health",
            "Clinical Data Lead",
            8 * DAY,
            (6 * DAY, ev.OutreachSent()),
            (1 * DAY, ev.ReplyReceived(outcome=ReplyOutcome.ACCEPTED)),
        ),
        _contact(
            "Liam O'Brien",
            "Stark Industries",
            "Engineering Manager",
            12 * DAY,
            (10 * DAY, ev.OutreachSent()),
            (6 * DAY, ev.ReplyReceived(outcome=ReplyOutcome.DECLINED)),
        ),
        _contact(
            "Aisha Khan",
            "Wayne Enterprises",
            "Security Architect",
            16 * DAY,
            (14 * DAY, ev.OutreachSent()),
            (9 * DAY, ev.ReplyReceived(outcome=ReplyOutcome.ACCEPTED)),
            (8 * DAY, ev.InterviewScheduled(starts_at=tomorrow, location="Zoom")),
            (
                3 * DAY,
                ev.ResearchNoted(subject=ResearchSubject.PERSON, text="Ten years in appsec."),
            ),
            (2 * DAY, ev.QuestionsPrepared(questions=QUESTIONS)),
        ),
        _contact(
            "Noah Fischer",
            "Hooli",
            "Developer Advocate",
            10 * DAY,
            (9 * DAY, ev.OutreachSent(channel=Channel.EMAIL)),
            (5 * DAY, ev.InterviewScheduled(starts_at=soon, location="Café Central")),
        ),
        _contact(
            "Emma Rossi",
            "Soylent",
            "Operations Analyst",
            20 * DAY,
            (18 * DAY, ev.OutreachSent()),
            (12 * DAY, ev.ReplyReceived(outcome=ReplyOutcome.ACCEPTED)),
            (10 * DAY, ev.InterviewScheduled(starts_at=now - 26 * HOUR, location="Phone")),
            (25 * HOUR, ev.InterviewCompleted(notes="Great advice on breaking into ops.")),
        ),
        _contact(
            "Kenji Watanabe",
            "Tyrell",
            "Robotics Engineer",
            25 * DAY,
            (22 * DAY, ev.OutreachSent()),
            (15 * DAY, ev.InterviewScheduled(starts_at=now - 5 * DAY, location="Zoom")),
            (5 * DAY - HOUR, ev.InterviewCompleted()),
            (4 * DAY, ev.ThankYouSent()),
        ),
        _contact(
            "Grace Liu",
            "Cyberdyne",
            "ML Engineer",
            40 * DAY,
            (35 * DAY, ev.OutreachSent()),
            (30 * DAY, ev.InterviewScheduled(starts_at=now - 20 * DAY, location="Office")),
            (20 * DAY - HOUR, ev.InterviewCompleted()),
            (19 * DAY, ev.ThankYouSent()),
            (17 * DAY, ev.LinkedinConnected()),
            (16 * DAY, ev.ReflectionRecorded(career_path="Physics PhD, then ML research.")),
        ),
        _contact(
            "Oliver Martin",
            "Vandelay Imports",
            "Buyer",
            21 * DAY,
            (7 * DAY, ev.ContactArchived(reason="Changed focus to product roles.")),
        ),
    ]


def seed(services: Services, now: datetime) -> list[str]:
    """Saves the demo user's settings and contacts as of `now`; returns the contact ids."""
    clock = FixedClock(now)
    # The same adapters, with a clock that stands in for the past weeks.
    demo = bootstrap(services.adapters, services.settings, clock=clock, sleep=lambda _: None)
    demo.settings_repository.put(DEMO_USER.tenant_id, DEMO_USER.user_id, demo_settings(now))
    commands = demo.commands
    contact_ids: list[str] = []
    for contact in demo_contacts(now):
        clock.set(now - contact.added_ago)
        added = commands.add_contact(DEMO_USER, contact.details, None)
        contact_id = added.contact_id
        for ago, step in contact.steps:
            clock.set(now - ago)
            commands.record_step(DEMO_USER, contact_id, step)
        contact_ids.append(contact_id)
    return contact_ids


def demo_token(settings: Settings, now: datetime, ttl: timedelta) -> str:
    """A token for the demo user that the stack's API accepts, valid for `ttl` from `now`."""
    return mint_token(
        settings.auth_jwt_secret or "",
        tenant=DEMO_USER.tenant_id,
        user=DEMO_USER.user_id,
        email=DEMO_USER.email,
        ttl_seconds=int(ttl.total_seconds()),
        now=now,
        issuer=settings.auth_issuer or LOCAL_ISSUER,
        audience=settings.auth_audience or LOCAL_AUDIENCE,
    )


def _contact(
    name: str,
    company: str,
    role: str,
    added_ago: timedelta,
    *steps: tuple[timedelta, ev.EventData],
) -> DemoContact:
    email = name.lower().replace("'", "").replace(" ", ".") + "@example.com"
    details = ev.ContactAdded(name=name, email=email, company=company, role=role)
    return DemoContact(details, added_ago, tuple(steps))
