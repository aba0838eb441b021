"""Each reminder is emailed once: across repeated and overlapping sweeps, throttled and failed
sends, and sweeps that crashed half-way through."""

from __future__ import annotations

import random
import threading
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.adapters import aws
from chalicelib.adapters.ses_mailer import SesMailer
from chalicelib.auth.identity import Identity
from chalicelib.clock import FixedClock
from chalicelib.domain.events import ReminderSent
from chalicelib.domain.vocabulary import Action
from chalicelib.eventstore.port import StreamId
from chalicelib.reminders.mailer import MailSendError
from chalicelib.reminders.render import RenderedEmail
from chalicelib.reminders.sent_log import SentLog
from chalicelib.reminders.sweep_report import SweepReport
from chalicelib.service.history import state_of
from chalicelib.settings import Settings
from tests.reminders.sweep_support import T0, World, sent_keys, utc

FRIDAY_9 = utc("2026-11-27T09:00")
QUARTER = timedelta(minutes=15)


@pytest.fixture
def world(aws_mock: None, settings: Settings, clock: FixedClock) -> World:
    return World.build(settings, clock)


def populate(world: World, users: int, contacts: int) -> list[tuple[Identity, str]]:
    """`users` users with `contacts` contacts each, every one due a reach-out on Friday 09:00."""
    made = []
    for u in range(users):
        who = world.user(f"user{u}", timezone="UTC")
        made += [(who, world.add(who, name=f"Contact {u}.{c}")) for c in range(contacts)]
    return made


def assert_each_reminder_recorded_once(world: World, made: list[tuple[Identity, str]]) -> None:
    for who, contact in made:
        recorded = world.reminders_recorded(who, contact)
        assert [(r.action.value, r.due_at) for r in recorded] == [("reach_out", T0)]


def test_a_user_with_several_due_steps_gets_one_digest(world: World) -> None:
    made = populate(world, users=1, contacts=3)

    report = world.sweep(FRIDAY_9)

    assert (report.emails, len(report.sent), report.recorded) == (1, 3, 3)
    [email] = world.emails()
    assert email.header("Subject") == "3 steps due: Contact 0.0, Contact 0.1 and 1 more"
    assert_each_reminder_recorded_once(world, made)


def test_running_the_sweep_twice_sends_each_email_once(world: World) -> None:
    made = populate(world, users=3, contacts=2)

    first = world.sweep(FRIDAY_9)
    retried = world.sweep(FRIDAY_9)
    later = world.sweep(FRIDAY_9 + QUARTER)

    assert (first.emails, retried.emails, later.emails) == (3, 0, 0)
    assert len(world.emails()) == 3
    assert_each_reminder_recorded_once(world, made)


def test_two_sweeps_at_once_send_each_reminder_once_and_each_user_one_digest(
    world: World,
) -> None:
    made = populate(world, users=4, contacts=3)
    world.at(FRIDAY_9).drain()
    sweep = world.services.reminder_sweep
    start = threading.Barrier(2)
    reports: list[SweepReport] = []

    def run() -> None:
        start.wait()
        reports.append(sweep.run())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    sent = sent_keys(*reports)
    assert len(sent) == len(made)
    assert set(sent.values()) == {1}
    assert sum(r.emails for r in reports) == len(world.emails()) == 4
    assert sum(r.errors for r in reports) == 0
    assert_each_reminder_recorded_once(world, made)


class ThrottlingSes:
    """The real (moto) SES client, except that 30 % of sends are refused as throttled, by a
    seeded generator so every run refuses the same calls."""

    def __init__(self, client: Any, seed: int = 7) -> None:
        self._client = client
        self._random = random.Random(seed)
        self.throttled = 0

    def send_email(self, **request: Any) -> Any:
        if self._random.random() < 0.3:
            self.throttled += 1
            error = {"Error": {"Code": "TooManyRequestsException", "Message": "slow down"}}
            raise ClientError(error, "SendEmail")  # type: ignore[arg-type]
        return self._client.send_email(**request)


def test_with_30_percent_of_sends_throttled_every_reminder_goes_out_exactly_once(
    world: World, settings: Settings, clock: FixedClock
) -> None:
    ses = ThrottlingSes(aws.client("sesv2", settings))
    world.use_mailer(SesMailer(ses, settings.reminder_from, clock=clock))
    made = populate(world, users=12, contacts=2)

    reports = [world.sweep(FRIDAY_9 + n * QUARTER) for n in range(12)]

    assert ses.throttled >= 3
    assert sum(r.failed for r in reports) == 2 * ses.throttled
    assert reports[-1].emails == 0
    sent = sent_keys(*reports)
    assert len(sent) == len(made)
    assert set(sent.values()) == {1}
    assert len(world.emails()) == 12
    assert_each_reminder_recorded_once(world, made)


class FailingOnce:
    """Refuses the first send outright (nothing left), then delivers through `then`."""

    def __init__(self, then: Any, error: Exception) -> None:
        self._then = then
        self._error: Exception | None = error

    def send(self, to: str, rendered: RenderedEmail, unsubscribe_url: str) -> str:
        error, self._error = self._error, None
        if error is not None:
            raise error
        return str(self._then.send(to, rendered, unsubscribe_url))


def test_a_failed_send_gives_its_claims_back_and_the_next_sweep_sends(world: World) -> None:
    world.use_mailer(FailingOnce(world.services.mailer, MailSendError("refused", "Rejected")))
    made = populate(world, users=1, contacts=2)

    failed = world.sweep(FRIDAY_9)
    retried = world.sweep(FRIDAY_9 + QUARTER)

    assert (failed.emails, failed.failed, failed.recorded) == (0, 2, 0)
    assert (retried.emails, len(retried.sent)) == (1, 2)
    assert_each_reminder_recorded_once(world, made)


def test_a_send_with_an_unknown_outcome_is_never_retried_but_recorded_later(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.use_mailer(FailingOnce(world.services.mailer, TimeoutError("no answer")))
    made = populate(world, users=1, contacts=1)

    crashed = world.sweep(FRIDAY_9)
    in_flight = world.sweep(FRIDAY_9 + QUARTER)
    given_up = world.sweep(FRIDAY_9 + 2 * QUARTER)

    assert (crashed.errors, crashed.recorded) == (1, 0)
    assert (in_flight.emails, in_flight.in_flight, in_flight.recorded) == (0, 1, 0)
    assert (given_up.emails, given_up.recorded) == (0, 1)
    assert world.emails() == []
    [(who, contact)] = made
    assert [r.message_id for r in world.reminders_recorded(who, contact)] == [None]
    assert "never confirmed" in caplog.text


def test_a_sent_claim_without_its_event_is_recorded_without_sending_again(
    world: World, settings: Settings
) -> None:
    # Given a sweep that sent the email and marked its claim, then died before recording
    [(who, contact)] = populate(world, users=1, contacts=1)
    world.at(FRIDAY_9).drain()
    claims = world.services.view_store
    [reminder] = claims.due(FRIDAY_9, 10)
    assert claims.claim(reminder.key, "crashed-sweep", FRIDAY_9) is None
    assert claims.mark_sent(reminder.key, "crashed-sweep", "ses-message-1")

    # When the next sweep runs
    report = world.sweep(FRIDAY_9 + QUARTER)

    # Then it records the reminder with the first send's message id, and sends nothing
    assert (report.emails, report.recorded) == (0, 1)
    assert world.emails() == []
    assert [r.message_id for r in world.reminders_recorded(who, contact)] == ["ses-message-1"]


def test_recording_from_a_stale_read_reloads_and_appends_nothing_twice(world: World) -> None:
    # Given two sweeps that read the stream before either recorded the reminder
    [(who, contact)] = populate(world, users=1, contacts=1)
    store = world.services.event_store
    stream = StreamId(who.tenant_id, contact)
    stale = state_of(contact, store.load(stream).events)
    sent = ReminderSent(action=Action.REACH_OUT, due_at=T0, message_id="ses-message-1")
    log = SentLog(store)

    # When both record it
    first = log.record(stream, stale, [sent], FRIDAY_9)
    second = log.record(stream, stale, [sent], FRIDAY_9)

    # Then the loser of the version check reloads, finds it there, and adds nothing
    assert (first, second) == (1, 0)
    assert len(world.reminders_recorded(who, contact)) == 1
