"""The dev stack end to end, over real HTTP: API, projections, demo data, sweep and outbox."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import threading
import urllib.request
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path

import boto3

from chalicelib.devstack.demo_data import DEMO_USER
from chalicelib.devstack.stack import DevStack
from chalicelib.domain.vocabulary import Status
from tests.devstack.http import call, eventually

REPO = Path(__file__).resolve().parents[2]


def read_eml(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def overdue_since(stack: DevStack, name: str) -> None:
    _, contact = call("POST", f"{stack.api_url}/contacts", token=stack.token, body={"name": name})
    twelve_days_ago = (datetime.now(UTC) - timedelta(days=12)).isoformat()
    step = {"type": "outreach_sent", "channel": "email", "at": twelve_days_ago}
    url = f"{stack.api_url}/contacts/{contact['contact_id']}/events"
    assert call("POST", url, token=stack.token, body=step)[0] == 201


def test_health_answers_over_real_http(stack: DevStack) -> None:
    assert call("GET", f"{stack.api_url}/health") == (200, {"status": "ok"})


def test_the_dashboard_page_is_served_at_the_root(stack: DevStack) -> None:
    with urllib.request.urlopen(f"{stack.api_url}/", timeout=10) as response:
        page = response.read().decode()
        kind = response.headers["Content-Type"]

    assert kind.startswith("text/html")
    assert "<html" in page.lower()


def test_the_api_refuses_a_request_without_a_token(stack: DevStack) -> None:
    status, _ = call("GET", f"{stack.api_url}/dashboard")

    assert status == 401


def test_the_demo_user_has_contacts_in_every_status(stack: DevStack) -> None:
    status, dashboard = call("GET", f"{stack.api_url}/dashboard", token=stack.token)

    assert status == 200
    assert len(stack.demo_contact_ids) == 12
    assert {name for name, count in dashboard["counts"].items() if count} == set(Status)
    assert dashboard["due_actions"], "some demo steps are due right away"
    assert dashboard["upcoming_interviews"], "an interview is scheduled for tomorrow"


def test_a_contact_added_with_the_token_is_listed_once_the_stream_is_drained(
    stack: DevStack,
) -> None:
    status, created = call(
        "POST", f"{stack.api_url}/contacts", token=stack.token, body={"name": "Drained Dana"}
    )
    assert status == 201

    stack.drain()
    _, listed = call("GET", f"{stack.api_url}/contacts?status=identified", token=stack.token)

    assert created["contact_id"] in [item["contact_id"] for item in listed["items"]]


def test_the_background_pump_projects_a_new_contact_by_itself(stack: DevStack) -> None:
    _, created = call(
        "POST", f"{stack.api_url}/contacts", token=stack.token, body={"name": "Pumped Pat"}
    )

    def listed_first() -> bool | None:
        _, page = call("GET", f"{stack.api_url}/contacts?limit=1", token=stack.token)
        return True if page["items"][0]["contact_id"] == created["contact_id"] else None

    assert eventually(listed_first, "the new contact heading the list")


def test_the_start_sweep_put_the_demo_reminders_in_the_outbox(stack: DevStack) -> None:
    sent = [read_eml(path) for path in stack.outbox_messages()]

    digest = next(message for message in sent if message["To"] == DEMO_USER.email)
    plain = digest.get_body(("plain",))
    assert plain is not None
    text = plain.get_content()
    assert digest["Subject"]
    assert digest["List-Unsubscribe"].startswith(f"<{stack.api_url}/unsubscribe?token=")
    assert "Marcus Chen" in text, "the overdue follow-up is in the digest"
    assert f"{stack.api_url}/#/contacts/" in text
    unsubscribe = digest["List-Unsubscribe"].strip("<>")
    with urllib.request.urlopen(unsubscribe, timeout=10) as confirmation:
        assert confirmation.status == 200, "the link leads to this stack's confirmation page"


def test_a_second_sweep_sends_nothing_again(stack: DevStack) -> None:
    before = stack.outbox_messages()

    report = stack.sweep_now()

    assert report.emails == 0
    assert stack.outbox_messages() == before


def test_a_requested_sweep_emails_a_follow_up_that_is_overdue(stack: DevStack) -> None:
    # Reminders go out at the user's reminder hour after the step falls due: an outreach
    # logged as twelve days old makes a follow-up whose hour has already come.
    overdue_since(stack, "Swept Sam")

    stack.request_sweep()

    def emailed() -> Path | None:
        found = [p for p in stack.outbox_messages() if b"Swept Sam" in p.read_bytes()]
        return found[0] if found else None

    assert read_eml(eventually(emailed, "the reminder to reach out"))["To"] == DEMO_USER.email


def test_an_email_sent_through_the_embedded_ses_lands_in_the_outbox(stack: DevStack) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        stack.settings.reminder_from,
        "someone@example.com",
        "Sent by another process",
    )
    message.set_content("Hello from SES.")
    ses = boto3.client(
        "sesv2",
        endpoint_url=stack.aws_endpoint_url,
        region_name=stack.settings.region,
        aws_access_key_id="dev",
        aws_secret_access_key="dev",
    )
    ses.send_email(
        FromEmailAddress=stack.settings.reminder_from,
        Destination={"ToAddresses": ["someone@example.com"]},
        Content={"Raw": {"Data": message.as_bytes()}},
    )

    def mirrored() -> EmailMessage | None:
        found = [read_eml(path) for path in stack.outbox.glob("*-ses-*.eml")]
        return next((m for m in found if m["Subject"] == "Sent by another process"), None)

    assert eventually(mirrored, "the SES email in the outbox")["To"] == "someone@example.com"


def test_other_cli_commands_work_against_the_stack_through_its_env_file(
    stack: DevStack,
) -> None:
    stack.drain()
    script = 'set -a; . "$1"; set +a; exec "$2" -m chalicelib.cli verify-projections'

    verify = subprocess.run(
        ["sh", "-c", script, "sh", str(stack.env_file), sys.executable],
        cwd=REPO,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "every read model matches" in verify.stdout


def test_drain_returns_once_earlier_writes_are_projected_while_others_keep_writing(
    stack: DevStack,
) -> None:
    stop = threading.Event()

    def keep_writing() -> None:
        n = 0
        while not stop.is_set():
            call("POST", f"{stack.api_url}/contacts", token=stack.token, body={"name": f"B {n}"})
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        _, created = call(
            "POST", f"{stack.api_url}/contacts", token=stack.token, body={"name": "Under Load"}
        )
        # Waiting for an empty stream would outlast any timeout while the writer runs.
        stack.drain(timeout=10.0)
        views = stack.services.view_store.get_views(
            DEMO_USER.tenant_id, DEMO_USER.user_id, [created["contact_id"]]
        )
    finally:
        stop.set()
        writer.join()

    assert created["contact_id"] in views
