"""A coach invites a class through the Cohort view; a student follows the emailed link, joins,
adds a contact and turns sharing on; the coach then sees that student's pipeline."""

from __future__ import annotations

import email
import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from chalicelib.auth.minting import LOCAL_AUDIENCE, LOCAL_ISSUER, mint_token
from chalicelib.devstack.stack import DevStack
from chalicelib.web_assets import WEB_DIR, load_asset
from tests.browser.conftest import DESKTOP, WAIT_MS
from tests.browser.dashboard import Dashboard

pytestmark = pytest.mark.browser

# A tenant of its own: no other test of the shared stack sees these members or invitations.
TENANT = "browser-cohort"
COACH_ID = "cohort-coach"
COACH_EMAIL = "cohort-coach@rapport.example"
ADA = "ada.cohort@students.example"
BEN = "ben.cohort@students.example"
CONTACT = "Grace Okafor"
BYSTANDER = "cohort-bystander@rapport.example"
ADMIN = "cohort-admin@rapport.example"
SHARING_OFF = "never names or due actions"
SHARING_ON = (
    "Your cohort's coaches and admins see your contacts' names, your due actions and your pipeline."
)


def token_for(
    stack: DevStack, user: str, email_address: str, roles: list[str], tenant: str = TENANT
) -> str:
    return mint_token(
        stack.settings.auth_jwt_secret or "",
        tenant=tenant,
        user=user,
        email=email_address,
        roles=roles,
        ttl_seconds=3600,
        now=datetime.now(UTC),
        issuer=stack.settings.auth_issuer or LOCAL_ISSUER,
        audience=stack.settings.auth_audience or LOCAL_AUDIENCE,
    )


def invite_link(stack: DevStack, address: str) -> str:
    """The join link of the newest invitation email to `address`, waiting for it a bounded time."""
    pattern = re.compile(rf"{re.escape(stack.api_url)}/join\?token=[^\s\"'<>]+")
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        for path in reversed(stack.outbox_messages()):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            assert isinstance(message, EmailMessage)
            if address not in str(message["To"]):
                continue
            plain = message.get_body(("plain",))
            found = pattern.search(plain.get_content() if plain is not None else "")
            assert found is not None, f"the invitation to {address} carries no join link"
            return found[0]
        if time.monotonic() > deadline:
            pytest.fail(f"no invitation email to {address} in the outbox")
        time.sleep(0.1)


@pytest.fixture
def fresh_page(browser: Browser) -> Iterator[Page]:
    """A second browser (own context, own session storage): the invitee's, not the coach's."""
    context = browser.new_context(viewport=DESKTOP, timezone_id="UTC", locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, f"the join page's or dashboard's scripts threw: {errors}"


def member_row(cohort: Locator, address: str) -> Locator:
    return cohort.get_by_test_id("cohort-member").filter(has_text=address)


def refresh_cohort(stack: DevStack, cohort: Locator) -> None:
    stack.drain()
    cohort.get_by_test_id("cohort-refresh").click()


def test_a_coach_invites_two_students_one_joins_shares_and_shows_in_the_cohort(
    page: Page, fresh_page: Page, stack: DevStack, doc_screenshots: Path
) -> None:
    coach_token = token_for(stack, COACH_ID, COACH_EMAIL, ["coach"])
    coach = Dashboard(page, stack).open(f"{stack.api_url}/#token={coach_token}")
    coach.by_id("open-cohort").click()
    cohort = coach.by_id("cohort-dialog")
    expect(cohort).to_be_visible()
    form = cohort.get_by_test_id("invite-form")
    # Coaches invite students only: there is no role to choose.
    expect(form.get_by_test_id("invite-role")).to_have_count(0)
    expect(cohort.get_by_test_id("cohort-members")).not_to_contain_text("Loading")

    # A list with a word that is no address is refused next to the field, and nobody is invited.
    form.get_by_test_id("invite-emails").fill(f"{ADA}\nnot-an-address")
    form.get_by_test_id("invite-submit").click()
    expect(form.locator(".field-error")).to_contain_text("not-an-address")
    expect(cohort.get_by_test_id("invite-alert")).to_be_visible()
    expect(cohort.get_by_test_id("cohort-invite")).to_have_count(0)

    # Pasted as a class list comes: names and addresses, separated by commas.
    form.get_by_test_id("invite-emails").fill(f"Ada Lovelace <{ADA}>, Ben Oduya <{BEN}>")
    expect(form.get_by_test_id("invite-count")).to_have_text("2 addresses to invite.")
    form.get_by_test_id("invite-submit").click()
    expect(cohort.get_by_test_id("invite-done")).to_contain_text("Sent 2 invitations")
    expect(cohort.get_by_test_id("cohort-invite")).to_have_count(2)
    expect(form.locator(".field-error")).to_have_count(0)

    # Ada opens her invitation in her own browser.
    link = invite_link(stack, ADA)
    fresh_page.goto(link)
    expect(fresh_page.get_by_test_id("join-tenant")).to_have_text(TENANT)
    expect(fresh_page.get_by_test_id("join-inviter")).to_have_text(COACH_EMAIL)
    expect(fresh_page.get_by_test_id("join-email")).to_have_text(ADA)
    expect(fresh_page.get_by_test_id("join-role")).to_have_text("Student")
    expect(fresh_page.get_by_test_id("join-means")).to_contain_text("only if you turn on sharing")
    fresh_page.screenshot(path=doc_screenshots / "join.png")
    fresh_page.get_by_test_id("join-button").click()

    student = Dashboard(fresh_page, stack)
    student.wait_loaded()
    assert fresh_page.url.rstrip("/") == stack.api_url, "the dashboard, not the join page"
    expect(student.by_id("signed-in-as")).to_have_text(f"Signed in as {ADA}")
    expect(student.by_id("open-cohort")).to_be_hidden()
    student.add_contact(CONTACT, company="Fabrikam", role="Data Scientist")

    # Not sharing yet: the coach sees Ada joined, but neither her pipeline nor her contact's name.
    refresh_cohort(stack, cohort)
    expect(member_row(cohort, ADA).get_by_test_id("member-not-shared")).to_have_text("not shared")
    expect(cohort.get_by_test_id("cohort-invite")).to_have_count(1)
    expect(cohort.get_by_test_id("cohort-due")).not_to_contain_text(CONTACT)
    assert CONTACT not in page.content()

    # Ada turns sharing on in her settings; the words say what the coaches see then.
    student.open_settings()
    switch = student.by_id("sharing-switch")
    expect(switch).not_to_be_checked()
    expect(student.by_id("sharing-explained")).to_contain_text(SHARING_OFF)
    switch.check()
    expect(student.by_id("sharing-explained")).to_have_text(SHARING_ON)
    expect(student.by_id("sharing-switch")).to_be_checked()
    expect(student.by_id("sharing-alert")).to_be_hidden()
    student.close_settings()
    # Saved on the server: the settings read it back.
    student.open_settings()
    expect(student.by_id("sharing-switch")).to_be_checked()
    student.close_settings()

    refresh_cohort(stack, cohort)
    ada = member_row(cohort, ADA)
    expect(ada.get_by_test_id("member-pipeline")).to_have_text("Identified 1")
    expect(ada).to_contain_text("Student")
    due = cohort.get_by_test_id("cohort-due-item").filter(has_text=CONTACT)
    expect(due).to_contain_text("Reach out")
    expect(due).to_contain_text(ADA)
    pending = cohort.get_by_test_id("cohort-invite")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text(BEN)
    # Tall enough that the whole view, down to the invite form, is in the picture.
    page.set_viewport_size({"width": DESKTOP["width"], "height": 1500})
    cohort.screenshot(path=doc_screenshots / "cohort.png")
    page.set_viewport_size(DESKTOP)

    # A used link lets nobody in again; a revoked one stops working.
    fresh_page.goto(link)
    expect(fresh_page.get_by_test_id("join-invalid")).to_be_visible()
    expect(fresh_page.get_by_test_id("join-button")).to_have_count(0)
    ben_link = invite_link(stack, BEN)
    pending.get_by_test_id("revoke-invite").click()
    expect(cohort.get_by_test_id("cohort-notice")).to_contain_text(
        f"Revoked the invitation of {BEN}"
    )
    expect(cohort.get_by_test_id("cohort-invite")).to_have_count(0)
    fresh_page.goto(ben_link)
    expect(fresh_page.get_by_test_id("join-invalid-reason")).not_to_be_empty()
    expect(fresh_page.get_by_test_id("join-button")).to_have_count(0)


def test_a_student_sees_no_cohort_button_and_an_admin_chooses_roles_and_confirms_a_removal(
    page: Page, stack: DevStack
) -> None:
    tenant = "browser-cohort-admin"
    student_token = token_for(stack, "cohort-bystander", BYSTANDER, [], tenant)
    Dashboard(page, stack).open(f"{stack.api_url}/#token={student_token}")
    expect(page.get_by_test_id("open-cohort")).to_be_hidden()

    # Another tab: its own session storage, so its own sign-in.
    admin_token = token_for(stack, "cohort-admin", ADMIN, ["admin"], tenant)
    board = Dashboard(page.context.new_page(), stack).open(f"{stack.api_url}/#token={admin_token}")
    board.by_id("open-cohort").click()
    cohort = board.by_id("cohort-dialog")
    role = cohort.get_by_test_id("invite-role")
    expect(role).to_be_visible()
    expect(role.locator("option")).to_have_count(3)

    # The bystander called the API once, so the tenant knows them: the admin may remove them,
    # after saying so a second time in the page.
    bystander = member_row(cohort, BYSTANDER)
    me = member_row(cohort, ADMIN)
    expect(me).to_contain_text("(you)")
    expect(me.get_by_test_id("remove-member")).to_have_count(0)
    bystander.get_by_test_id("remove-member").click()
    expect(bystander.get_by_test_id("remove-question")).to_contain_text("erased 30 days later")
    bystander.get_by_test_id("cancel-remove").click()
    expect(bystander.get_by_test_id("remove-member")).to_be_visible()
    bystander.get_by_test_id("remove-member").click()
    bystander.get_by_test_id("confirm-remove").click()
    expect(cohort.get_by_test_id("cohort-notice")).to_contain_text(f"Removed {BYSTANDER}")


def test_deployed_the_join_page_signs_up_with_cognito_then_sends_the_person_to_sign_in(
    page: Page,
) -> None:
    # The page as the deployed API serves it (below /api/), Cognito's API answered here.
    origin, region, client_id = "https://rapport.example", "eu-west-1", "client-abc"
    variables = {
        "state": "valid",
        "reason": "",
        "tenant": "northfield",
        "inviter": "coach@northfield.example",
        "role": "student",
        "email": ADA,
        "expires_at": "2026-12-15T09:00:00Z",
        "token": "v1.invite.token",
        "mode": "cognito",
        "cognito_region": region,
        "cognito_client_id": client_id,
    }
    template = (WEB_DIR / "pages" / "join.html").read_text(encoding="utf-8")
    html = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    rendered = html.from_string(template).render(**variables)
    calls: list[tuple[str, dict[str, Any]]] = []

    def serve(route: Route) -> None:
        path = urlsplit(route.request.url).path
        if path == "/api/join":
            route.fulfill(content_type="text/html", body=rendered)
        elif path == "/api/":
            route.fulfill(content_type="text/html", body="<!doctype html><title>Rapport</title>")
        elif (asset := load_asset(path.removeprefix("/api/assets/"))) is not None:
            route.fulfill(content_type=asset.content_type, body=asset.body)
        else:
            route.fulfill(status=404, body="")

    def cognito(route: Route) -> None:
        headers = route.request.headers
        assert headers["content-type"] == "application/x-amz-json-1.1"
        action = headers["x-amz-target"].removeprefix("AWSCognitoIdentityProviderService.")
        calls.append((action, json.loads(route.request.post_data or "{}")))
        if action == "ConfirmSignUp" and calls[-1][1]["ConfirmationCode"] != "123456":
            body = {"__type": "CodeMismatchException", "message": "Invalid code provided."}
            route.fulfill(
                status=400, content_type="application/x-amz-json-1.1", body=json.dumps(body)
            )
            return
        answer = {"UserConfirmed": False, "CodeDeliveryDetails": {"Destination": "a***@s***"}}
        route.fulfill(
            content_type="application/x-amz-json-1.1",
            body=json.dumps(answer if action == "SignUp" else {}),
        )

    page.route(f"{origin}/**", serve)
    page.route(f"https://cognito-idp.{region}.amazonaws.com/", cognito)
    page.goto(f"{origin}/api/join?token=v1.invite.token")
    expect(page.get_by_test_id("signup-email")).to_have_value(ADA)
    expect(page.get_by_test_id("signup-email")).to_have_attribute("readonly", "")
    page.get_by_test_id("signup-password").fill("Correct-Horse-42")
    page.get_by_test_id("join-button").click()
    expect(page.get_by_test_id("confirm-hint")).to_contain_text("a***@s***")
    assert calls[0] == (
        "SignUp",
        {
            "ClientId": client_id,
            "Username": ADA,
            "Password": "Correct-Horse-42",
            "UserAttributes": [{"Name": "email", "Value": ADA}],
            "ClientMetadata": {"invite_token": "v1.invite.token"},
        },
    )

    # Cognito's own words for a refusal are shown; the right code leads to the sign-in.
    page.get_by_test_id("confirm-code").fill("000000")
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("join-alert")).to_have_text("Invalid code provided.")
    page.get_by_test_id("confirm-code").fill("123456")
    page.get_by_test_id("confirm-button").click()
    page.wait_for_url(f"{origin}/api/")
    assert calls[-1] == (
        "ConfirmSignUp",
        {
            "ClientId": client_id,
            "Username": ADA,
            "ConfirmationCode": "123456",
            "ClientMetadata": {"invite_token": "v1.invite.token"},
        },
    )
