"""A small world for property tests: users in two tenants, contacts moved along the pipeline by
the real command service on moto, and the stream's records delivered the way Lambda may.

Each world gets fresh tables inside the test's one moto session (creating tables is cheap;
starting moto is not).
"""

from __future__ import annotations

import contextlib
import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.adapters import aws
from chalicelib.adapters.table_setup import create_tables
from chalicelib.auth.identity import Identity
from chalicelib.bootstrap import for_aws
from chalicelib.clock import FixedClock
from chalicelib.domain import events as ev
from chalicelib.domain.agenda import agenda
from chalicelib.domain.errors import StepNotAllowedError
from chalicelib.domain.rules import check_allowed
from chalicelib.domain.state import ContactState
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import ReplyOutcome, ResearchSubject
from chalicelib.eventstore.port import NewEvent, StreamId
from chalicelib.service.errors import ContactNotFoundError
from chalicelib.service.history import state_of
from chalicelib.settings import Settings
from tests.projections.support import add

USERS = (
    Identity("ada", "acme", "ada@example.com"),
    Identity("bob", "acme", "bob@example.com"),
    Identity("cy", "globex", "cy@example.com"),
)
SETTINGS = (
    UserSettings(),
    UserSettings(timezone="Asia/Tokyo", reminder_hour=7, max_follow_ups=2),
    UserSettings(timezone="America/Los_Angeles", follow_up_after_business_days=2),
    UserSettings(reminders_enabled=False),
)
STEPS: dict[str, Callable[[datetime], ev.EventData]] = {
    "outreach": lambda now: ev.OutreachSent(message="Twenty minutes, some day?"),
    "follow_up": lambda now: ev.FollowUpSent(),
    "intro": lambda now: ev.IntroductionRequested(via="Prof. Lee"),
    "accepted": lambda now: ev.ReplyReceived(outcome=ReplyOutcome.ACCEPTED),
    "declined": lambda now: ev.ReplyReceived(outcome=ReplyOutcome.DECLINED),
    "schedule": lambda now: ev.InterviewScheduled(starts_at=now + timedelta(days=3)),
    "reschedule": lambda now: ev.InterviewRescheduled(starts_at=now + timedelta(days=4)),
    "cancel": lambda now: ev.InterviewCancelled(reason="ill"),
    "research": lambda now: ev.ResearchNoted(subject=ResearchSubject.COMPANY, text="Series B"),
    "questions": lambda now: ev.QuestionsPrepared(questions=["How did you start?"]),
    "complete": lambda now: ev.InterviewCompleted(notes="Platform teams."),
    "thanks": lambda now: ev.ThankYouSent(),
    "linkedin": lambda now: ev.LinkedinConnected(),
    "reflect": lambda now: ev.ReflectionRecorded(lessons="Ask about year one."),
    "update": lambda now: ev.ContactUpdated(company="Globex"),
    "archive": lambda now: ev.ContactArchived(),
    "retract": lambda now: ev.StepRetracted(reason="logged by mistake"),
    "reopen": lambda now: ev.ContactReopened(reason="they wrote back"),
    "snooze": lambda now: ev.ReminderSnoozed(until=now + timedelta(days=3)),
}
# Steps that move a contact on from each status, so random runs reach every status.
# Corrections (retract, reopen, snooze) come up in every status, so they mix with the rest.
FORWARD: dict[str | None, tuple[str, ...]] = {
    None: ("update",),
    "identified": ("outreach", "snooze", "intro", "schedule", "outreach", "archive"),
    "reaching_out": ("accepted", "retract", "follow_up", "schedule", "declined", "accepted"),
    "scheduled": ("questions", "snooze", "complete", "reschedule", "cancel", "complete"),
    "interviewed": ("thanks", "reflect", "linkedin", "retract"),
    "followed_up": ("reflect", "snooze", "linkedin", "research"),
    "reflected": ("linkedin", "update", "archive", "retract"),
    "declined": ("update", "archive", "reopen", "retract"),
    "archived": ("update", "reopen", "retract"),
}
Op = tuple[Any, ...]
_tables = itertools.count()


class World:
    """Fresh tables and services, and the stream records written but not yet delivered."""

    def __init__(self, rng: random.Random) -> None:
        n = next(_tables)
        self.settings = Settings.from_env().model_copy(
            update={"events_table": f"prop-events-{n}", "views_table": f"prop-views-{n}"}
        )
        create_tables(aws.client("dynamodb", self.settings), self.settings)
        self.clock = FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
        self.services = for_aws(self.settings, clock=self.clock, sleep=lambda _: None)
        self.pump = self.services.stream_pump()
        self.rng = rng
        self.contacts: dict[int, tuple[Identity, str]] = {}
        self.pending: list[dict[str, Any]] = []

    def apply(self, op: Op) -> None:
        kind = op[0]
        if kind == "add":
            who = USERS[op[2]]
            self.contacts[op[1]] = (who, add(self.services, who))
        elif kind == "settings":
            who = USERS[op[1]]
            self.services.settings_repository.put(who.tenant_id, who.user_id, SETTINGS[op[2]])
        elif kind == "wait":
            self.clock.advance(timedelta(hours=op[1]))
        elif kind == "deliver":
            self.pending += self.pump.fetch()
            self.deliver(op[1])
        elif self.contacts:
            labels = sorted(self.contacts)
            who, contact = self.contacts[
                op[1] if op[1] in self.contacts else labels[op[1] % len(labels)]
            ]
            # Erased contacts are gone for every command: the API would answer 404.
            with contextlib.suppress(ContactNotFoundError):
                self._contact_op(kind, who, contact, op)

    def _contact_op(self, kind: str, who: Identity, contact: str, op: Op) -> None:
        stream = StreamId(who.tenant_id, contact)
        if kind == "erase":
            self.services.erasure.erase(who, contact)
            return
        state = state_of(contact, self.services.event_store.read(stream))
        if kind == "advance":
            choices = FORWARD[state.status.value if state.status else None]
            self._step(who, state, choices[op[2] % len(choices)])
        elif kind == "step":
            self._step(who, state, op[2])
        elif kind == "remind" and state.exists and agenda(state, UserSettings()):
            # What the sweep records after an email: `reminder_sent` for the first open step.
            planned = agenda(state, UserSettings())[0]
            sent = ev.ReminderSent(action=planned.action, due_at=planned.due_at)
            now = self.clock.now()
            event = NewEvent(sent.event_type, sent.to_data(), now)
            store = self.services.event_store
            store.append(
                stream,
                [event],
                expected_version=state.version,
                owner_id=who.user_id,
                recorded_at=now,
            )

    def _step(self, who: Identity, state: ContactState, first: str) -> None:
        """`first`, or the next step after it (in a fixed cycle) that the rules allow now;
        asked of the rules first, so no command is sent only to be refused."""
        names = sorted(STEPS)
        start = names.index(first)
        settings = self.services.settings_repository.get(who.tenant_id, who.user_id)
        for name in names[start:] + names[:start]:
            data = STEPS[name](self.clock.now())
            try:
                check_allowed(state, data, self.clock.now(), settings or UserSettings())
            except StepNotAllowedError:
                continue
            self.services.commands.record_step(who, state.contact_id, data)
            return

    def deliver(self, share: float) -> None:
        """Delivers a random share of the pending records, shuffled, some twice, in batches."""
        self.rng.shuffle(self.pending)
        cut = round(len(self.pending) * share)
        chosen, self.pending = self.pending[:cut], self.pending[cut:]
        chosen += self.rng.sample(chosen, k=len(chosen) // 3)
        self.rng.shuffle(chosen)
        while chosen:
            size = self.rng.randint(1, 10)
            batch, chosen = chosen[:size], chosen[size:]
            answer = self.services.projector.handle({"Records": batch})
            assert answer == {"batchItemFailures": []}


def interleave(paths: list[list[Op]], extras: list[Op], rng: random.Random) -> list[Op]:
    """The paths' ops merged in random order (each path keeps its own), extras sprinkled in."""
    queues = [list(path) for path in paths if path]
    merged: list[Op] = []
    while queues:
        queue = rng.choice(queues)
        merged.append(queue.pop(0))
        if not queue:
            queues.remove(queue)
    for extra in extras:
        merged.insert(rng.randint(0, len(merged)), extra)
    return merged
