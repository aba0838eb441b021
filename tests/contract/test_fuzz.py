"""Schemathesis finds no 5xx and no answer outside the schema: every check, stateful links,
a fixed seed (issue 14). Any failure prints schemathesis's own report with a `curl` line."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from chalicelib.auth.minting import LOCAL_AUDIENCE, LOCAL_ISSUER, mint_token
from chalicelib.clock import FixedClock
from chalicelib.domain.vocabulary import Action
from chalicelib.reminders.unsubscribe import accepted_secrets, make_unsubscribe_token
from chalicelib.service.undo_links import UndoLink, UndoLinks
from chalicelib.settings import Settings
from tests.api.confirmation_mail import confirmation_path
from tests.api.snooze_link_support import snooze_token
from tests.api.tenancy_support import join_token_of, join_tokens_of
from tests.contract import fuzz

pytestmark = pytest.mark.integration  # moto and a local server

NEW_ADDRESS = "zoe.new@example.com"
# Long enough for the whole run on the test's fixed clock.
TOKEN_SECONDS = 30 * 24 * 3600


def _token(settings: Settings, clock: FixedClock, tenant: str, user: str, *roles: str) -> str:
    return mint_token(
        settings.auth_jwt_secret or "",
        tenant=tenant,
        user=user,
        email=f"{user}@example.com",
        roles=roles,
        ttl_seconds=TOKEN_SECONDS,
        now=clock.now(),
        issuer=settings.auth_issuer or LOCAL_ISSUER,
        audience=settings.auth_audience or LOCAL_AUDIENCE,
    )


def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(
    base_url: str, settings: Settings, clock: FixedClock, tmp_path: Path
) -> None:
    tokens = {
        # A coach and admin, so that the tenant dashboard, the invitations and the removal of
        # members are tested past their 403s too.
        "ada": _token(settings, clock, "acme", "ada", "coach", "admin"),
        "bob": _token(settings, clock, "acme", "bob"),
        "eve": _token(settings, clock, "globex", "eve"),
    }
    auth = fuzz.auth_document(tokens, tmp_path)

    # A user the run does not sign in as, whose links change no tested account: one-click
    # unsubscribe, the confirmation of a new reminder address, and the snooze of a contact's
    # next step (a contact of hers, which she has yet to reach out to).
    unsubscribe = make_unsubscribe_token(settings.unsubscribe_secret or "", "acme", "zoe")
    zoe = {"Authorization": f"Bearer {_token(settings, clock, 'acme', 'zoe')}"}
    asked = httpx.put(f"{base_url}/me/settings", json={"email": NEW_ADDRESS}, headers=zoe)
    assert asked.status_code == 200, asked.text
    confirm = confirmation_path(settings, NEW_ADDRESS).partition("token=")[2]
    added = httpx.post(f"{base_url}/contacts", json={"name": "Yan Li"}, headers=zoe)
    assert added.status_code == 201, added.text
    contact = added.json()["contact_id"]
    snooze = snooze_token(settings, "acme", "zoe", contact, Action.REACH_OUT, clock.now())
    # Her calendar feed and webhook URLs (secrets set), so those routes are reached past 404.
    for provider, field in (("calendly", "signing_key"), ("calcom", "secret")):
        secret = {field: f"fuzz-{provider}-secret"}
        saved = httpx.put(f"{base_url}/me/integrations/{provider}", json=secret, headers=zoe)
        assert saved.status_code == 200, saved.text
    overview = httpx.get(f"{base_url}/me/integrations", headers=zoe).json()
    # The undo link an answer to one of her emails would carry, for a step on another of her
    # contacts (its first POST takes the step back; every later request answers 200 too).
    other = httpx.post(f"{base_url}/contacts", json={"name": "Uma Roy"}, headers=zoe).json()
    step = {"type": "outreach_sent"}
    sent = httpx.post(f"{base_url}/contacts/{other['contact_id']}/events", json=step, headers=zoe)
    assert sent.status_code == 201, sent.text
    undo_links = UndoLinks(accepted_secrets(settings.unsubscribe_secret), settings.app_base_url)
    undo = UndoLink("acme", "zoe", other["contact_id"], sent.json()["event"]["version"])
    # An invitation whose link the run may use (its first POST /join joins; later ones are
    # the 400 of a used link), another whose id it may revoke, and a member it may remove.
    ada = {"Authorization": f"Bearer {tokens['ada']}"}
    invited = httpx.post(
        f"{base_url}/tenant/invites",
        json={"emails": ["fuzz.joiner@example.com", "fuzz.revoked@example.com"]},
        headers=ada,
    )
    assert invited.status_code == 201, invited.text
    revocable = next(
        i["invite_id"] for i in invited.json()["invites"] if i["email"].startswith("fuzz.revoked")
    )
    joining = join_token_of(settings, "fuzz.joiner@example.com")
    # The pool each POST /join with that token takes a fresh one from (fuzz_hooks.py).
    pool = [f"fuzz.pool{n}@example.com" for n in range(300)]
    for start in (0, 200):
        batch = {"emails": pool[start : start + 200]}
        made = httpx.post(f"{base_url}/tenant/invites", json=batch, headers=ada, timeout=60)
        assert made.status_code == 201, made.text
    pool_file = tmp_path / "invite-pool.txt"
    pool_file.write_text("\n".join(join_tokens_of(settings, pool).values()))
    leaver = {"Authorization": f"Bearer {_token(settings, clock, 'acme', 'fuzz-leaver')}"}
    assert httpx.get(f"{base_url}/me/sharing", headers=leaver).status_code == 200
    integrations = {
        "RAPPORT_FUZZ_INVITE_TOKEN": joining,
        "RAPPORT_FUZZ_INVITE_POOL": str(pool_file),
        "RAPPORT_FUZZ_INVITE_ID": revocable,
        "RAPPORT_FUZZ_MEMBER": "fuzz-leaver",
        "RAPPORT_FUZZ_UNDO_TOKEN": parse_qs(urlparse(undo_links.url(undo, clock.now())).query)[
            "token"
        ][0],
        "RAPPORT_FUZZ_CALENDAR_FILE": overview["calendar_feed_url"].rsplit("/", 1)[1],
        "RAPPORT_FUZZ_CALENDLY_HOOK": overview["calendly"]["webhook_url"].rsplit("/", 1)[1],
        "RAPPORT_FUZZ_CALCOM_HOOK": overview["calcom"]["webhook_url"].rsplit("/", 1)[1],
    }

    done = fuzz.run(
        base_url,
        auth,
        list(tokens),
        unsubscribe,
        confirm,
        snooze,
        clock.now(),
        tmp_path / "junit.xml",
        integrations,
    )

    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
    print(done.stdout[-2500:])  # the run's summary, for `pytest -rP` or `-s`
