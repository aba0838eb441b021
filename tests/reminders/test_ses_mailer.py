"""Reminder emails through SES v2 (moto): the raw MIME that leaves, and how failures come back."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import ANY, Stubber
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.adapters import aws
from chalicelib.adapters.ses_mailer import THROTTLING_CODES, SesMailer
from chalicelib.clock import FixedClock
from chalicelib.domain.vocabulary import Action
from chalicelib.reminders.mailer import Mailer, MailSendError, MailThrottledError
from chalicelib.reminders.render import RenderedEmail, render_digest
from chalicelib.reminders.unsubscribe import make_unsubscribe_token, unsubscribe_url
from chalicelib.settings import Settings
from tests.reminders.builders import digest, reminder_item
from tests.reminders.html_text import links
from tests.reminders.mime_reading import ReadEmail, read_email

TO = "student@example.edu"


def sent_emails(settings: Settings) -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID][settings.region].sent_messages)


@pytest.fixture
def link(settings: Settings) -> str:
    assert settings.unsubscribe_secret is not None
    token = make_unsubscribe_token(settings.unsubscribe_secret, "tenant-1", "user-1")
    return unsubscribe_url("https://api.rapport.example", token)


@pytest.fixture
def mailer(aws_mock: None, settings: Settings, clock: FixedClock) -> SesMailer:
    return SesMailer(aws.client("sesv2", settings), settings.reminder_from, clock=clock)


def send_and_read(
    mailer: Mailer, settings: Settings, rendered: RenderedEmail, link: str
) -> ReadEmail:
    message_id = mailer.send(TO, rendered, link)
    [sent] = sent_emails(settings)
    assert sent.id == message_id
    return read_email(sent.raw_data.encode("utf-8"))


def test_a_digest_leaves_as_one_raw_email_with_both_parts(
    mailer: SesMailer, settings: Settings, link: str
) -> None:
    rendered = render_digest(
        digest(
            reminder_item(Action.FOLLOW_UP),
            reminder_item(Action.REFLECT, contact_id="c-ben", contact_name="Ben Ortiz"),
            reminder_item(Action.LOG_INTERVIEW, contact_id="c-cy", contact_name="Cy Lee"),
            unsubscribe_url=link,
        )
    )

    email = send_and_read(mailer, settings, rendered, link)

    assert email.header("Subject") == "3 steps due: Ada Park, Ben Ortiz and 1 more"
    assert email.header("From") == settings.reminder_from
    assert email.header("To") == TO
    assert email.header("Date") == "Thu, 26 Nov 2026 14:00:00 +0000"
    assert email.header("Message-ID").endswith("@rapport.example>")
    assert email.message.get_content_type() == "multipart/alternative"
    assert email.text == rendered.text
    assert email.html == rendered.html


def test_the_email_carries_one_click_unsubscribe_headers_and_the_link_in_both_parts(
    mailer: SesMailer, settings: Settings, link: str
) -> None:
    rendered = render_digest(digest(unsubscribe_url=link))

    email = send_and_read(mailer, settings, rendered, link)

    assert email.header("List-Unsubscribe") == f"<{link}>"
    assert email.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert link in email.text
    assert link in links(email.html)


def test_a_script_in_a_contact_name_arrives_escaped_in_the_html_part(
    mailer: SesMailer, settings: Settings, link: str
) -> None:
    name = "<script>alert(1)</script>"
    rendered = render_digest(digest(reminder_item(contact_name=name), unsubscribe_url=link))

    email = send_and_read(mailer, settings, rendered, link)

    assert email.header("Subject") == f"Follow up with {name}"
    assert "<script" not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    assert name in email.text


def test_names_beyond_ascii_survive_the_trip(
    mailer: SesMailer, settings: Settings, link: str
) -> None:
    rendered = render_digest(digest(reminder_item(contact_name="Zoë Ångström 山田")))

    email = send_and_read(mailer, settings, rendered, link)

    assert email.header("Subject") == "Follow up with Zoë Ångström 山田"
    assert "Zoë Ångström 山田" in email.text
    assert "Zoë Ångström 山田" in email.html


def test_an_unverified_sender_is_a_send_error(
    aws_mock: None, settings: Settings, clock: FixedClock, link: str
) -> None:
    mailer = SesMailer(aws.client("sesv2", settings), "stranger@elsewhere.example", clock=clock)

    with pytest.raises(MailSendError) as raised:
        mailer.send(TO, render_digest(digest()), link)

    assert raised.value.code == "MessageRejected"
    assert sent_emails(settings) == []


def test_the_configuration_set_is_named_when_one_is_configured(
    aws_mock: None, settings: Settings, link: str
) -> None:
    client = aws.client("sesv2", settings)
    mailer = SesMailer(client, settings.reminder_from, configuration_set="rapport-reminders")
    expected = {
        "FromEmailAddress": settings.reminder_from,
        "Destination": {"ToAddresses": [TO]},
        "Content": {"Raw": {"Data": ANY}},
        "ConfigurationSetName": "rapport-reminders",
    }

    with Stubber(client) as stub:
        stub.add_response("send_email", {"MessageId": "m-1"}, expected)
        assert mailer.send(TO, render_digest(digest()), link) == "m-1"
        stub.assert_no_pending_responses()


@pytest.mark.parametrize("code", sorted(THROTTLING_CODES))
def test_throttling_becomes_a_retry_later_error(
    aws_mock: None, settings: Settings, link: str, code: str
) -> None:
    client = aws.client("sesv2", settings)
    mailer = SesMailer(client, settings.reminder_from)

    with Stubber(client) as stub:
        stub.add_client_error("send_email", service_error_code=code, http_status_code=429)
        with pytest.raises(MailThrottledError):
            mailer.send(TO, render_digest(digest()), link)


def test_other_refusals_become_send_errors_with_their_code(
    aws_mock: None, settings: Settings, link: str
) -> None:
    client = aws.client("sesv2", settings)
    mailer = SesMailer(client, settings.reminder_from)

    with Stubber(client) as stub:
        stub.add_client_error("send_email", service_error_code="AccountSuspendedException")
        with pytest.raises(MailSendError) as raised:
            mailer.send(TO, render_digest(digest()), link)

    assert raised.value.code == "AccountSuspendedException"
    assert not isinstance(raised.value, MailThrottledError)


class UnreachableSes:
    """An SES client whose network is down."""

    def send_email(self, **request: Any) -> dict[str, str]:
        raise EndpointConnectionError(endpoint_url="https://email.us-east-1.amazonaws.com")


def test_an_unreachable_ses_is_a_send_error(link: str) -> None:
    mailer = SesMailer(UnreachableSes(), "reminders@rapport.example")

    with pytest.raises(MailSendError, match="could not be reached"):
        mailer.send(TO, render_digest(digest()), link)
