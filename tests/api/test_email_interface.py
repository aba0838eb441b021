"""Email as an interface, end to end on moto: the real sweep's reminder, a reply as a mail client
writes it, the same handler the S3 Lambda and the SMTP server call, then the answer and its undo
link through the API."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.bootstrap import Services
from chalicelib.domain import events as ev
from chalicelib.domain.vocabulary import Action
from tests.api.conftest import Api, body_of
from tests.api.email_interface_support import (
    ADA,
    FRIDAY_9,
    INBOUND_BUCKET,
    INBOUND_DOMAIN,
    STYLES,
    Inbox,
    add_contact,
    as_ses_stores_it,
    contact,
    env,  # noqa: F401 - the fixture: this module's stage has an inbound domain
    events_of,
    morning_reminder,
    reply,
    s3_event,
    step_types,
    undo_paths,
)
from tests.api.snooze_link_support import snooze_paths_in
from tests.inbound import messages
from tests.reminders.sweep_support import RequestLog, World

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def world(api: Api, services: Services) -> World:
    return World(services, api.clock)


@pytest.fixture
def inbox(world: World) -> Inbox:
    return Inbox(world)


def receive(services: Services, raw: bytes, *recipients: str) -> Any:
    return services.inbound_mail.receive(raw, recipients)


def test_every_reminder_has_a_signed_reply_to_and_says_how_to_answer(
    api: Api, world: World
) -> None:
    add_contact(api, "Ben Ortiz")

    reminder = morning_reminder(world)

    reply_to = reminder.header("Reply-To")
    assert reply_to.startswith("reply+")
    assert reply_to.endswith("@" + INBOUND_DOMAIN)
    address = world.services.inbound_addresses
    assert address is not None
    assert address.read(reply_to) is not None
    assert 'Reply to this email with "done"' in reminder.text


def test_done_records_the_step_and_the_answer_says_so_with_an_undo_link(
    api: Api, world: World, inbox: Inbox
) -> None:
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)

    outcome = receive(world.services, reply(reminder, "done"))

    assert outcome.outcome == "recorded", outcome
    assert step_types(world.services, ben)[-1] == "outreach_sent"
    [answer] = inbox.answers()
    assert answer.header("To") == ADA
    assert answer.header("Subject").startswith("Re: ")
    assert "Outreach sent to Ben Ortiz" in answer.text
    assert len(undo_paths(answer)) == 1
    # Answers are machine mail: no auto-responder answers them, and no loop starts.
    assert answer.header("Auto-Submitted") == "auto-generated"


@pytest.mark.parametrize("style", STYLES)
def test_every_mail_clients_reply_form_is_read(
    api: Api, world: World, inbox: Inbox, style: str
) -> None:
    ids = [add_contact(api, name) for name in ("Ben Ortiz", "Cy Moreau")]
    reminder = morning_reminder(world)

    outcome = receive(world.services, reply(reminder, "1 done\n2 snooze 3d", style=style))

    assert outcome.outcome == "recorded", outcome
    assert sorted(outcome.recorded) == ["outreach_sent", "reminder_snoozed"]
    recorded = {step_types(world.services, i)[-1] for i in ids}
    assert recorded == {"outreach_sent", "reminder_snoozed"}
    assert len(inbox.answers()) == 1


def test_the_undo_link_leaves_the_contact_as_it_was(api: Api, world: World, inbox: Inbox) -> None:
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)
    before = contact(api, ben)
    receive(world.services, reply(reminder, "done"))
    [answer] = inbox.answers()
    [path] = undo_paths(answer)

    page = api.call("GET", path)
    assert page.status_code == 200
    assert "Undo this step?" in page.body.decode()
    assert step_types(world.services, ben)[-1] == "outreach_sent"  # a GET changes nothing
    undone = api.call("POST", path, headers=FORM, raw=b"")
    again = api.call("POST", path, headers=FORM, raw=b"")

    assert undone.status_code == 200
    assert "taken back" in undone.body.decode()
    assert again.status_code == 200
    after = contact(api, ben)
    # Everything but the version and the time of the last change (two steps were recorded).
    moved = {"version", "updated_at"}
    assert {k: v for k, v in after.items() if k not in moved} == {
        k: v for k, v in before.items() if k not in moved
    }
    assert step_types(world.services, ben).count("step_retracted") == 1


def test_an_undo_link_never_takes_back_a_later_step(api: Api, world: World, inbox: Inbox) -> None:
    ben = add_contact(api, "Ben Ortiz")
    receive(world.services, reply(morning_reminder(world), "done"))
    [path] = undo_paths(inbox.answers()[0])
    later = api.call(
        "POST", f"/contacts/{ben}/events", {"type": "follow_up_sent"}, token=api.token()
    )
    assert later.status_code == 201, body_of(later)

    refused = api.call("POST", path, headers=FORM, raw=b"")

    assert refused.status_code == 409
    assert body_of(refused)["error"]["code"] == "nothing_to_undo"
    assert "step_retracted" not in step_types(world.services, ben)


def test_a_numbered_snooze_puts_off_that_item_only(api: Api, world: World) -> None:
    ids = {add_contact(api, name): name for name in ("Ben Ortiz", "Cy Moreau")}
    reminder = morning_reminder(world)
    # The email lists its items in order; item 2 is the second contact it names.
    second = next(i for i in ids if reminder.text.index(ids[i]) > reminder.text.index("2. "))

    receive(world.services, reply(reminder, "2 snooze 1w"))

    [snoozed] = [i for i in ids if "reminder_snoozed" in step_types(world.services, i)]
    assert snoozed == second
    event = events_of(world.services, second)[-1]
    assert ev.ReminderSnoozed.model_validate(event.data).action is Action.REACH_OUT


def test_archive_and_stop(api: Api, world: World) -> None:
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)

    receive(world.services, reply(reminder, "archive\nstop"))

    assert contact(api, ben)["status"] == "archived"
    settings = world.services.adapters.settings_store.get("acme", "ada")
    assert settings is not None
    assert settings.reminders_enabled is False


def test_a_command_for_an_unknown_item_records_nothing_of_the_whole_reply(
    api: Api, world: World, inbox: Inbox
) -> None:
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)
    before = step_types(world.services, ben)

    outcome = receive(world.services, reply(reminder, "1 done\n3 archive"))

    assert outcome.outcome == "answered"
    assert step_types(world.services, ben) == before
    [answer] = inbox.answers()
    assert "Rapport recorded nothing" in answer.text
    assert "no step 3" in answer.text


def test_the_same_message_twice_records_once_and_answers_once(
    api: Api, world: World, inbox: Inbox
) -> None:
    ben = add_contact(api, "Ben Ortiz")
    raw = reply(morning_reminder(world), "done")

    first = receive(world.services, raw)
    second = receive(world.services, raw)

    assert (first.outcome, second.outcome) == ("recorded", "duplicate")
    assert step_types(world.services, ben).count("outreach_sent") == 1
    assert len(inbox.answers()) == 1


def test_a_failure_halfway_is_finished_by_the_redelivery_and_nothing_twice(
    api: Api, world: World, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [add_contact(api, name) for name in ("Ben Ortiz", "Cy Moreau")]
    raw = reply(morning_reminder(world), "1 done\n2 done")
    commands = world.services.commands
    real = commands.record_step
    calls = {"n": 0}

    def failing_second(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("the endpoint went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(commands, "record_step", failing_second)
    with pytest.raises(ConnectionError):
        receive(world.services, raw)
    assert inbox.answers() == []  # nothing half-answered
    monkeypatch.setattr(commands, "record_step", real)

    outcome = receive(world.services, raw)  # S3's retry, or Lambda's

    assert outcome.outcome == "recorded", outcome
    assert [step_types(world.services, i).count("outreach_sent") for i in ids] == [1, 1]
    assert len(inbox.answers()) == 1


@pytest.mark.parametrize(
    ("why", "change"),
    [
        ("forged From", {"from_": "mallory@example.com"}),
        ("a lookalike address", {"from_": "ada@example.co"}),
        ("auto-reply", {"headers": {"Auto-Submitted": "auto-replied"}}),
        ("list mail", {"headers": {"Precedence": "bulk"}}),
        ("on behalf of someone else", {"headers": {"Sender": "mallory@example.com"}}),
    ],
)
def test_mail_that_is_not_the_users_own_records_nothing_and_gets_no_answer(
    api: Api, world: World, inbox: Inbox, why: str, change: dict[str, Any]
) -> None:
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)
    before = step_types(world.services, ben)

    outcome = receive(world.services, reply(reminder, "done", **change))

    assert outcome.outcome == "dropped", why
    assert step_types(world.services, ben) == before
    assert inbox.answers() == []


@pytest.mark.parametrize(
    "machine",
    [
        # From the user's own address, to the genuine reply address: only the robot differs.
        lambda to: messages.auto_reply(kind="vacation", from_=ADA, to=to),
        lambda to: messages.auto_reply(kind="exchange", from_=ADA, to=to),
        lambda to: messages.bounce(to=to),
        lambda to: messages.bounce(to=to, report_type="disposition-notification", from_=ADA),
    ],
    ids=["vacation", "exchange-out-of-office", "bounce", "read-receipt"],
)
def test_robots_never_record_nor_get_an_answer(
    api: Api, world: World, inbox: Inbox, machine: Any
) -> None:
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)
    before = step_types(world.services, ben)

    outcome = receive(world.services, machine(reminder.header("Reply-To")))

    assert outcome.outcome == "dropped"
    assert outcome.reason.startswith("automatic")
    assert step_types(world.services, ben) == before
    assert inbox.answers() == []


def test_a_tampered_token_records_nothing_and_gets_no_answer(
    api: Api, world: World, inbox: Inbox
) -> None:
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)
    local, _, domain = reminder.header("Reply-To").partition("@")
    flipped = local[:-1] + ("a" if local[-1] != "a" else "b")

    outcome = receive(world.services, reply(reminder, "done", to=f"{flipped}@{domain}"))

    assert (outcome.outcome, outcome.reason) == ("dropped", "forged token")
    assert "outreach_sent" not in step_types(world.services, ben)
    assert inbox.answers() == []


def test_a_reply_token_of_another_user_does_not_let_them_write(
    api: Api, world: World, inbox: Inbox
) -> None:
    """Ben (another user) forwards Ada's reminder and replies from his own address."""
    ben = add_contact(api, "Ben Ortiz")
    world.save_settings("acme", "ben", email="ben@example.com")
    reminder = morning_reminder(world)

    outcome = receive(world.services, reply(reminder, "archive", from_="ben@example.com"))

    assert outcome.outcome == "dropped"
    assert contact(api, ben)["status"] != "archived"


def test_a_reply_without_commands_gets_the_help(api: Api, world: World, inbox: Inbox) -> None:
    add_contact(api, "Ben Ortiz")

    outcome = receive(world.services, reply(morning_reminder(world), "Thanks, will do!"))

    assert outcome.outcome == "answered"
    [answer] = inbox.answers()
    assert "did not understand" in answer.text
    assert "snooze 3d" in answer.text


def test_done_on_a_step_that_needs_facts_says_what_to_open(
    api: Api, world: World, inbox: Inbox
) -> None:
    ben = add_contact(api, "Ben Ortiz")
    for step in ({"type": "outreach_sent"}, {"type": "reply_received", "outcome": "accepted"}):
        response = api.call("POST", f"/contacts/{ben}/events", step, token=api.token())
        assert response.status_code == 201, body_of(response)
    reminder = morning_reminder(world)
    before = step_types(world.services, ben)

    receive(world.services, reply(reminder, "done"))

    assert step_types(world.services, ben) == before
    [answer] = inbox.answers()
    assert "needs more than a word" in answer.text
    assert f"/#/contacts/{ben}" in answer.text


# --- Bcc logging ---------------------------------------------------------------------------


def log_address(api: Api) -> str:
    response = api.call("GET", "/me/integrations", token=api.token())
    assert response.status_code == 200, body_of(response)
    address = body_of(response)["inbound"]["log_address"]
    assert address.startswith("log+")
    assert address.endswith("@" + INBOUND_DOMAIN)
    return str(address)


def sent_email(to: str, body: str, *, cc: str | None = None, message_id: str = "") -> bytes:
    """An email as ada's mail client sends it: the Bcc is in the envelope only."""
    from email import policy
    from email.message import EmailMessage
    from email.utils import make_msgid

    message = EmailMessage(policy=policy.SMTP)
    message["From"] = f"Ada Lovelace <{ADA}>"
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = "Hello from a student"
    message["Message-ID"] = message_id or make_msgid(domain="example.edu")
    message.set_content(body)
    return message.as_bytes()


def test_a_bccd_first_email_records_the_outreach_with_its_text(
    api: Api, world: World, inbox: Inbox
) -> None:
    ben = add_contact(api, "Ben Ortiz", email="ben.ortiz@example.com")
    address = log_address(api)
    world.drain()

    outcome = receive(
        world.services,
        sent_email("Ben Ortiz <Ben.Ortiz@example.com>", "Hi Ben, could we talk for 20 minutes?"),
        "ben.ortiz@example.com",
        address,
    )

    assert outcome.outcome == "recorded", outcome
    last = events_of(world.services, ben)[-1]
    assert last.type == "outreach_sent"
    assert last.data["channel"] == "email"
    assert last.data["message"] == "Hi Ben, could we talk for 20 minutes?"
    [answer] = inbox.answers()
    assert "Outreach sent to Ben Ortiz" in answer.text


def test_a_bccd_email_is_a_follow_up_then_a_thank_you_after_the_interview(
    api: Api, world: World
) -> None:
    ben = add_contact(api, "Ben Ortiz", email="ben@example.com")
    address = log_address(api)
    world.drain()
    receive(world.services, sent_email("ben@example.com", "first"), address)
    receive(world.services, sent_email("ben@example.com", "second"), address)
    for step in (
        {"type": "reply_received", "outcome": "accepted"},
        {"type": "interview_scheduled", "starts_at": "2026-11-20T15:00:00Z"},
        {"type": "interview_completed", "at": "2026-11-20T16:00:00Z"},
    ):
        response = api.call("POST", f"/contacts/{ben}/events", step, token=api.token())
        assert response.status_code == 201, body_of(response)

    receive(world.services, sent_email("ben@example.com", "Thank you!"), address)

    types = step_types(world.services, ben)
    assert types[1:3] == ["outreach_sent", "follow_up_sent"]
    assert types[-1] == "thank_you_sent"


def test_a_bccd_email_to_nobody_known_records_nothing(api: Api, world: World, inbox: Inbox) -> None:
    add_contact(api, "Ben Ortiz", email="ben@example.com")
    address = log_address(api)
    world.drain()

    outcome = receive(world.services, sent_email("stranger@example.com", "hi"), address)

    assert outcome.outcome == "answered"
    [answer] = inbox.answers()
    assert "none of the email's recipients is one of your contacts" in answer.text


def test_mail_to_a_removed_members_addresses_records_nothing_and_gets_no_answer(
    api: Api, world: World, inbox: Inbox
) -> None:
    """The reply and log addresses, and the snooze and undo links, name their user and carry
    no token: they end with the membership, as the user's token does."""
    ben = add_contact(api, "Ben Ortiz", email="ben.ortiz@example.com")
    reminder = morning_reminder(world)
    [snooze] = snooze_paths_in(reminder.text)
    receive(world.services, reply(reminder, "done"))
    [answer] = inbox.answers()
    [undo] = undo_paths(answer)
    address = log_address(api)
    admin = api.token(tenant="acme", user="ana", roles=("admin",))
    assert api.call("DELETE", "/tenant/members/ada", token=admin).status_code == 204
    before = step_types(world.services, ben)

    logged = receive(world.services, sent_email("ben.ortiz@example.com", "Hi Ben"), address)
    replied = receive(world.services, reply(reminder, "archive", message_id="<later@x>"))
    pages = [api.call("GET", snooze), api.call("GET", undo)]
    posts = [api.call("POST", path, headers=FORM, raw=b"") for path in (snooze, undo)]

    assert (logged.outcome, logged.reason) == ("dropped", "membership ended")
    assert (replied.outcome, replied.reason) == ("dropped", "membership ended")
    assert [page.status_code for page in pages] == [400, 400]
    assert all("This link does not work" in page.body.decode() for page in pages)
    assert [body_of(post)["error"]["code"] for post in posts] == ["invalid_token"] * 2
    assert step_types(world.services, ben) == before
    assert len(inbox.answers()) == 1  # the answer to the reply before the removal only


def test_the_same_reply_at_another_time_of_day_is_still_the_same_message(
    api: Api, world: World
) -> None:
    """Idempotent on Message-ID: a client's resend with new headers changes nothing."""
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)
    first = reply(reminder, "done", message_id="<same@mail.gmail.com>")
    world.at(FRIDAY_9.replace(hour=11))
    resent = reply(
        reminder, "done", message_id="<same@mail.gmail.com>", headers={"X-Resent": "yes"}
    )

    receive(world.services, first)
    receive(world.services, resent)

    assert step_types(world.services, ben).count("outreach_sent") == 1


# --- deployed: SES stores the message in S3, and S3's notification runs the Lambda --------


def deliver_through_s3(world: World, raw: bytes, key: str) -> None:
    import app

    client = aws.client("s3", world.settings)  # moto, as the services' own client
    client.create_bucket(Bucket=INBOUND_BUCKET)
    client.put_object(Bucket=INBOUND_BUCKET, Key=key, Body=raw)
    app.receive_email(s3_event(INBOUND_BUCKET, key), None)  # as Lambda calls it


def test_a_reply_stored_by_ses_is_recorded_by_the_s3_lambda(
    api: Api, world: World, inbox: Inbox
) -> None:
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)
    raw = as_ses_stores_it(reply(reminder, "done"), reminder.header("Reply-To"))

    deliver_through_s3(world, raw, "inbound/0k1s2v3e4d5m6e7s8s9a+ge")

    assert step_types(world.services, ben)[-1] == "outreach_sent"
    assert len(inbox.answers()) == 1
    # Handled, the message (which names contacts) is gone from the bucket at once.
    listed = aws.client("s3", world.settings).list_objects_v2(Bucket=INBOUND_BUCKET)
    assert listed.get("KeyCount") == 0


def test_a_message_whose_handling_fails_stays_in_the_bucket_for_the_retry(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)
    raw = as_ses_stores_it(reply(reminder, "done"), reminder.header("Reply-To"))
    commands = world.services.commands
    real = commands.record_step

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("the endpoint went away")

    monkeypatch.setattr(commands, "record_step", unavailable)
    with pytest.raises(ConnectionError):
        deliver_through_s3(world, raw, "inbound/fails-first")
    monkeypatch.setattr(commands, "record_step", real)
    import app

    app.receive_email(s3_event(INBOUND_BUCKET, "inbound/fails-first"), None)  # Lambda's retry

    assert step_types(world.services, ben).count("outreach_sent") == 1


@pytest.mark.parametrize("style", STYLES)
def test_every_mail_clients_reply_form_is_read_through_s3(
    api: Api, world: World, inbox: Inbox, style: str
) -> None:
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)
    raw = reply(reminder, "snooze 1w", style=style)

    deliver_through_s3(
        world, as_ses_stores_it(raw, reminder.header("Reply-To")), f"inbound/{style}"
    )

    assert step_types(world.services, ben)[-1] == "reminder_snoozed"
    assert len(inbox.answers()) == 1


def test_a_bcc_reaches_the_s3_lambda_through_the_recipient_ses_records(
    api: Api, world: World
) -> None:
    ben = add_contact(api, "Ben Ortiz", email="ben@example.com")
    address = log_address(api)
    world.drain()
    raw = as_ses_stores_it(sent_email("ben@example.com", "Hi Ben"), address)

    deliver_through_s3(world, raw, "inbound/bcc-message")

    assert step_types(world.services, ben)[-1] == "outreach_sent"


def as_deployed(world: World) -> None:
    """The stage as deployed: `INBOUND_REQUIRE_SES_VERDICTS=true`, the same adapters (moto),
    installed as the process's services, which the S3 Lambda uses."""
    deployed = world.settings.model_copy(update={"inbound_require_ses_verdicts": True})
    world.services = replace(world.services, settings=deployed)
    bootstrap.install(world.services)


@pytest.mark.parametrize(("spf", "dkim"), [("FAIL", "PASS"), ("PASS", "FAIL"), ("NONE", "NONE")])
def test_deployed_a_message_that_fails_spf_or_dkim_records_nothing(
    api: Api, world: World, inbox: Inbox, spf: str, dkim: str
) -> None:
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)
    as_deployed(world)
    raw = as_ses_stores_it(reply(reminder, "done"), reminder.header("Reply-To"), spf=spf, dkim=dkim)

    deliver_through_s3(world, raw, "inbound/unauthenticated")

    assert "outreach_sent" not in step_types(world.services, ben)
    assert inbox.answers() == []


def test_deployed_a_message_with_passing_verdicts_is_recorded(api: Api, world: World) -> None:
    ben = add_contact(api, "Ben Ortiz")
    reminder = morning_reminder(world)
    as_deployed(world)
    raw = as_ses_stores_it(reply(reminder, "done"), reminder.header("Reply-To"))

    deliver_through_s3(world, raw, "inbound/authenticated")

    assert step_types(world.services, ben)[-1] == "outreach_sent"


def test_a_reply_reads_each_contact_it_names_once_before_the_write(api: Api, world: World) -> None:
    add_contact(api, "Ben Ortiz")
    raw = reply(morning_reminder(world), "done")
    log = RequestLog(world.services.adapters.dynamodb)  # type: ignore[attr-defined]
    try:
        receive(world.services, raw)
        operations = log.counts()
    finally:
        log.close()

    # The ledger, the owner's settings and the email's items (GetItem); the contact for the
    # plan and its check (one Query), then the command's own Query and atomic write (with its
    # idempotency record); the ledger's conditional put.
    assert operations["Query"] == 2
    assert operations["Scan"] == 0
    assert operations["TransactWriteItems"] == 1
    assert operations["PutItem"] == 1
