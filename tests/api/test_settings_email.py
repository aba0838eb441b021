"""Where reminders go (issue 14, item 5): one rule for an address, the mailer's own, and a new
address that takes effect only once someone who reads it clicks the link emailed there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.exceptions import ClientError

from chalicelib.adapters.ses_mailer import SesMailer
from chalicelib.bootstrap import Services
from chalicelib.domain.user_settings import PendingEmail
from chalicelib.reminders.unsubscribe import make_unsubscribe_token
from chalicelib.service.email_links import EmailLinks
from tests.api.confirmation_mail import confirmation_path, emails_to
from tests.api.conftest import Api, DynamoDBCalls, body_of, met
from tests.reminders.html_text import visible_text
from tests.reminders.sweep_support import World

NEW = "ada.park@mail.example.org"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
FRIDAY_9 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def _settings(api: Api) -> dict[str, Any]:
    response = api.call("GET", "/me/settings", token=api.token())
    assert response.status_code == 200
    return dict(body_of(response))


def _put(api: Api, body: dict[str, Any]) -> Any:
    return api.call("PUT", "/me/settings", body, token=api.token())


def _where(api: Api) -> tuple[str, str | None]:
    shown = _settings(api)
    return shown["email"], shown["pending_email"]


def _writes(calls: DynamoDBCalls) -> list[str]:
    return [operation for operation in calls.take() if operation in WRITES]


@pytest.mark.parametrize(
    "address",
    [
        "a@[x.y",
        "evil@q.r,x",
        "Ada Park <ada@example.com>",
        "ada@example.com, bo@example.com",
        '"ada"@example.com',
        "ada@example.com\r\nBcc: victim@example.com",
        "ada\x00@example.com",
        "ada@localhost",
        "ada@exa_mple.com",
        "zoë@example.com",
    ],
)
def test_an_address_the_mailer_cannot_write_is_a_400_naming_email_that_writes_nothing(
    api: Api, calls: DynamoDBCalls, address: str
) -> None:
    assert _put(api, {"reminder_hour": 7}).status_code == 200
    calls.take()

    response = _put(api, {"email": address, "reminder_hour": 8})

    assert response.status_code == 400
    error = body_of(response)["error"]
    assert error["code"] == "validation_error"
    assert [problem["field"] for problem in error["fields"]] == ["email"]
    assert _writes(calls) == []
    assert _settings(api)["reminder_hour"] == 7
    assert _where(api) == ("ada@example.com", None)
    assert emails_to(api.settings, address) == []


def test_a_new_address_waits_for_its_link_and_the_rest_applies_at_once(api: Api) -> None:
    response = _put(api, {"email": NEW, "reminder_hour": 8})

    assert response.status_code == 200
    assert body_of(response)["reminder_hour"] == 8
    assert (body_of(response)["email"], body_of(response)["pending_email"]) == (
        "ada@example.com",
        NEW,
    )
    assert _where(api) == ("ada@example.com", NEW)
    [email] = emails_to(api.settings, NEW)
    assert email.header("Subject") == "Confirm your reminder address for Rapport"
    assert email.message["List-Unsubscribe"] is None
    assert NEW in email.text
    assert confirmation_path(api.settings, NEW).startswith("/settings/confirm-email?token=v1.")


def test_the_links_page_changes_nothing_and_its_button_confirms_the_address(
    api: Api, calls: DynamoDBCalls
) -> None:
    _put(api, {"email": NEW})
    link = confirmation_path(api.settings, NEW)
    calls.take()

    page = api.call("GET", link)

    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Cache-Control"] == "no-store"
    assert f"Send my reminders to {NEW}" in visible_text(page.body.decode())
    assert 'method="post"' in page.body.decode()
    assert _writes(calls) == []
    assert _where(api) == ("ada@example.com", NEW)

    confirmed = api.call("POST", link, raw=b"", headers=FORM)

    assert confirmed.status_code == 200
    assert f"Reminder emails go to {NEW}" in visible_text(confirmed.body.decode())
    assert _where(api) == (NEW, None)
    again = api.call("POST", link, raw=b"", headers=FORM)
    assert again.status_code == 200
    assert _where(api) == (NEW, None)


def test_the_token_can_come_in_the_forms_body(api: Api) -> None:
    _put(api, {"email": NEW})
    token = confirmation_path(api.settings, NEW).partition("token=")[2]

    body = f"token={token}".encode()
    response = api.call("POST", "/settings/confirm-email", raw=body, headers=FORM)

    assert response.status_code == 200
    assert _where(api) == (NEW, None)


def _forged(api: Api) -> dict[str, str]:
    genuine = confirmation_path(api.settings, NEW).partition("token=")[2]
    payload, _, signature = genuine.removeprefix("v1.").partition(".")
    stranger = EmailLinks(("another-secret",), api.settings.app_base_url)
    pending = PendingEmail(email=NEW, nonce="guessed", requested_at=api.clock.now())
    foreign = stranger.url("acme", "ada", pending).partition("token=")[2]
    unsubscribe = make_unsubscribe_token(api.settings.unsubscribe_secret or "", "acme", "ada")
    return {
        "no token": "",
        "not a token": "hello",
        "an altered payload": f"v1.{payload[:-2]}AA.{signature}",
        "an altered signature": f"v1.{payload}.{signature[:-2]}AA",
        "another secret's": foreign,
        "an unsubscribe token": unsubscribe,
        "without its version": f"{payload}.{signature}",
    }


CASES = [
    "no token",
    "not a token",
    "an altered payload",
    "an altered signature",
    "another secret's",
    "an unsubscribe token",
    "without its version",
]


@pytest.mark.parametrize("case", CASES)
def test_a_forged_or_altered_link_is_a_400_that_writes_nothing(
    api: Api, calls: DynamoDBCalls, case: str
) -> None:
    _put(api, {"email": NEW})
    path = f"/settings/confirm-email?{urlencode({'token': _forged(api)[case]})}"
    calls.take()

    page = api.call("GET", path)
    posted = api.call("POST", path, raw=b"", headers=FORM)

    assert page.status_code == 400
    assert "This link does not work" in visible_text(page.body.decode())
    assert posted.status_code == 400
    assert body_of(posted)["error"]["code"] == "invalid_token"
    assert _writes(calls) == []
    assert _where(api) == ("ada@example.com", NEW)


def test_an_expired_link_is_a_400_that_writes_nothing(api: Api, calls: DynamoDBCalls) -> None:
    _put(api, {"email": NEW})
    link = confirmation_path(api.settings, NEW)
    api.clock.advance(timedelta(hours=24))
    calls.take()

    posted = api.call("POST", link, raw=b"", headers=FORM)

    assert posted.status_code == 400
    assert body_of(posted)["error"]["code"] == "invalid_token"
    assert _writes(calls) == []
    assert _where(api) == ("ada@example.com", None)  # the request lapsed with its link


def test_a_link_for_an_address_asked_for_before_another_is_a_409_that_writes_nothing(
    api: Api, calls: DynamoDBCalls
) -> None:
    _put(api, {"email": "first@example.org"})
    first = confirmation_path(api.settings, "first@example.org")
    _put(api, {"email": NEW})
    calls.take()

    page = api.call("GET", first)
    posted = api.call("POST", first, raw=b"", headers=FORM)

    assert page.status_code == 409
    assert posted.status_code == 409
    assert body_of(posted)["error"]["code"] == "email_change_superseded"
    assert _writes(calls) == []
    assert _where(api) == ("ada@example.com", NEW)
    newest = api.call("POST", confirmation_path(api.settings, NEW), raw=b"", headers=FORM)
    assert newest.status_code == 200
    assert _where(api) == (NEW, None)


def test_the_tokens_own_address_applies_at_once_and_drops_a_pending_one(api: Api) -> None:
    _put(api, {"email": NEW})
    link = confirmation_path(api.settings, NEW)

    back = _put(api, {"email": "ada@example.com"})

    assert (body_of(back)["email"], body_of(back)["pending_email"]) == ("ada@example.com", None)
    assert emails_to(api.settings, "ada@example.com") == []
    assert api.call("POST", link, raw=b"", headers=FORM).status_code == 409


def test_clearing_the_address_goes_back_to_the_tokens_own_at_once(api: Api) -> None:
    _put(api, {"email": NEW})
    api.call("POST", confirmation_path(api.settings, NEW), raw=b"", headers=FORM)
    assert _where(api) == (NEW, None)

    cleared = _put(api, {"email": None})

    assert (body_of(cleared)["email"], body_of(cleared)["pending_email"]) == (
        "ada@example.com",
        None,
    )
    assert _where(api) == ("ada@example.com", None)


def test_asking_again_soon_for_the_same_address_sends_no_second_email(api: Api) -> None:
    _put(api, {"email": NEW})
    _put(api, {"email": NEW})
    assert len(emails_to(api.settings, NEW)) == 1

    api.clock.advance(timedelta(minutes=6))
    _put(api, {"email": NEW})

    first, second = emails_to(api.settings, NEW)
    assert first.text != second.text  # a fresh link, valid for a day from now
    assert _where(api) == ("ada@example.com", NEW)


class RefusingSes:
    """An SES client that refuses every send with `code`."""

    def __init__(self, code: str) -> None:
        self.code = code

    def send_email(self, **request: Any) -> Any:
        error = {"Error": {"Code": self.code, "Message": "no"}}
        raise ClientError(error, "SendEmail")  # type: ignore[arg-type]


def _mail_with(services: Services, client: Any) -> None:
    adapters: Any = services.adapters
    adapters.__dict__["mailer"] = SesMailer(client, services.settings.reminder_from)
    services.__dict__.pop("settings_changes", None)


def test_an_address_ses_refuses_is_a_400_naming_email_that_saves_nothing(
    api: Api, services: Services, calls: DynamoDBCalls
) -> None:
    _mail_with(services, RefusingSes("MessageRejected"))
    met(api, api.token())
    calls.take()

    response = _put(api, {"email": NEW, "reminder_hour": 7})

    assert response.status_code == 400
    assert [p["field"] for p in body_of(response)["error"]["fields"]] == ["email"]
    assert _writes(calls) == []
    assert _settings(api)["reminder_hour"] == 9
    assert _where(api) == ("ada@example.com", None)


def test_a_confirmation_that_cannot_leave_now_is_a_503_that_saves_nothing(
    api: Api, services: Services, calls: DynamoDBCalls
) -> None:
    _mail_with(services, RefusingSes("TooManyRequestsException"))
    met(api, api.token())
    calls.take()

    response = _put(api, {"email": NEW, "reminder_hour": 7})

    assert response.status_code == 503
    assert body_of(response)["error"]["code"] == "mail_unavailable"
    assert response.headers["Retry-After"].isdigit()
    assert _writes(calls) == []
    assert _where(api) == ("ada@example.com", None)


def test_reminders_go_to_the_current_address_until_the_new_one_is_confirmed(
    api: Api, services: Services
) -> None:
    # Given a contact due a reach-out, and a new address asked for but not confirmed
    world = World(services, api.clock, services.stream_pump())
    assert (
        api.call("POST", "/contacts", {"name": "Ben Ortiz"}, token=api.token()).status_code == 201
    )
    _put(api, {"email": NEW})
    link = confirmation_path(api.settings, NEW)

    # When the sweep runs, the reminder goes to the current address
    world.sweep(FRIDAY_9)
    assert [e.header("Subject") for e in emails_to(api.settings, "ada@example.com")] == [
        "Reach out to Ben Ortiz"
    ]

    # Then, once the link is clicked, the next reminders go to the new one
    assert api.call("POST", link, raw=b"", headers=FORM).status_code == 200
    assert api.call("POST", "/contacts", {"name": "Cy Dunn"}, token=api.token()).status_code == 201
    world.sweep(FRIDAY_9 + timedelta(days=1))
    assert [e.header("Subject") for e in emails_to(api.settings, NEW)][1:] == [
        "Reach out to Cy Dunn"
    ]
    assert len(emails_to(api.settings, "ada@example.com")) == 1


def test_a_client_that_ignores_pending_email_reads_where_reminders_go(api: Api) -> None:
    shown = _settings(api)
    _put(api, {"email": NEW})

    assert {k: v for k, v in _settings(api).items() if k != "pending_email"} == {
        k: v for k, v in shown.items() if k != "pending_email"
    }
