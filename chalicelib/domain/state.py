"""A contact's state: what its events say, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.domain.events import EventData
from chalicelib.domain.moments import shifted
from chalicelib.domain.vocabulary import Action, ReplyOutcome, ResearchSubject, Source, Status


@dataclass(frozen=True)
class Envelope:
    """An event as the domain sees it once recorded: its data, version and times."""

    version: int
    data: EventData
    occurred_at: datetime
    recorded_at: datetime
    actor: str = ""


@dataclass(frozen=True)
class Interview:
    starts_at: datetime
    duration_minutes: int = 30
    location: str | None = None

    @property
    def ends_at(self) -> datetime:
        return shifted(self.starts_at, timedelta(minutes=self.duration_minutes))


@dataclass(frozen=True)
class ResearchNote:
    subject: ResearchSubject
    text: str
    noted_at: datetime


@dataclass(frozen=True)
class Reflection:
    career_path: str | None = None
    obstacles: str | None = None
    lessons: str | None = None


@dataclass(frozen=True)
class Snooze:
    """An open action put off: the one due at `due_at` is due no earlier than `until`."""

    action: Action
    due_at: datetime
    until: datetime


@dataclass(frozen=True)
class ContactState:
    """The fold of one contact's events. `status is None` means the stream has no contact yet."""

    contact_id: str
    owner_id: str = ""
    version: int = 0
    status: Status | None = None
    name: str | None = None
    email: str | None = None
    company: str | None = None
    role: str | None = None
    linkedin_url: str | None = None
    source: Source = Source.COLD_OUTREACH
    introduced_by: str | None = None
    notes: str | None = None
    interview: Interview | None = None
    questions: tuple[str, ...] = ()
    research: tuple[ResearchNote, ...] = ()
    intro_requested_at: datetime | None = None
    outreaches_sent: int = 0
    follow_ups_sent: int = 0
    last_outreach_at: datetime | None = None
    reply: ReplyOutcome | None = None
    replied_at: datetime | None = None
    cancelled_at: datetime | None = None
    ever_scheduled: bool = False
    interview_notes: str | None = None
    interview_ended_at: datetime | None = None
    thank_you_sent_at: datetime | None = None
    linkedin_connected_at: datetime | None = None
    reflection: Reflection | None = None
    reflected_at: datetime | None = None
    archived_from: Status | None = None
    reminders_sent: frozenset[tuple[Action, datetime]] = field(default_factory=frozenset)
    snoozes: tuple[Snooze, ...] = ()
    reopened_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    erased: bool = False
    # Undo: the state before the latest step not undone yet, and that step's version. A
    # retraction returns to `previous` (keeping what no undo takes back: the reminders sent,
    # the versions undone); `previous` holds its own `previous`, so undo repeats.
    previous: ContactState | None = field(default=None, compare=False, repr=False)
    step_version: int | None = None
    retracted: frozenset[int] = field(default_factory=frozenset)

    @property
    def exists(self) -> bool:
        return self.status is not None and not self.erased

    @property
    def prepared(self) -> bool:
        return bool(self.questions)

    @property
    def reached_out(self) -> bool:
        """Counted in the funnel's first stage: the user made contact in any way."""
        return bool(self.outreaches_sent or self.intro_requested_at or self.replied)

    @property
    def replied(self) -> bool:
        """A reply (even one a reopening set aside), or an interview scheduled (which only
        happens after one)."""
        return self.replied_at is not None or self.ever_scheduled

    @property
    def interviewed(self) -> bool:
        return self.interview_ended_at is not None
