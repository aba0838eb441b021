"""The Mailer on Amazon SES v2: raw MIME, so we control every header (List-Unsubscribe too)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, ConnectionClosedError, ReadTimeoutError

from chalicelib.clock import Clock, SystemClock
from chalicelib.reminders.mailer import (
    MailOutcomeUnknownError,
    MailRejectedError,
    MailSendError,
    MailThrottledError,
    build_message,
    to_bytes,
)
from chalicelib.reminders.render import RenderedEmail

# Error codes after which the same email may well go through later. SES v2 says
# TooManyRequests/LimitExceeded/SendingPaused; the Throttling spellings come from the AWS
# query protocol and botocore's retry layer, and are mapped too so nothing depends on which.
THROTTLING_CODES = frozenset(
    {
        "TooManyRequestsException",
        "LimitExceededException",
        "SendingPausedException",
        "Throttling",
        "ThrottlingException",
    }
)

# Error codes that say this email, to this address, will be refused whatever the moment:
# `MessageRejected` (SES v2 and v1: an address or a message it will not send) and a request
# parameter it will not take (`BadRequestException` in SES v2, `InvalidParameterValue` in the
# query protocol). Account- or configuration-wide refusals (a suspended account, an unverified
# sender domain) are not here: they are an operator's to fix, and retried.
REJECTION_CODES = frozenset({"MessageRejected", "BadRequestException", "InvalidParameterValue"})


class SesMailer:
    """Sends reminder emails with SES v2 `SendEmail` and raw content."""

    def __init__(
        self,
        client: Any,
        from_address: str,
        configuration_set: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._client = client
        self._from = from_address
        self._configuration_set = configuration_set
        self._clock = clock or SystemClock()

    def send(self, to: str, rendered: RenderedEmail, unsubscribe_url: str | None) -> str:
        message = build_message(self._from, to, rendered, unsubscribe_url, self._clock.now())
        request: dict[str, Any] = {
            "FromEmailAddress": self._from,
            "Destination": {"ToAddresses": [to]},
            "Content": {"Raw": {"Data": to_bytes(message)}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            response = self._client.send_email(**request)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in THROTTLING_CODES:
                raise MailThrottledError(f"SES is throttling sends ({code})") from error
            if code in REJECTION_CODES:
                raise MailRejectedError(f"SES rejected the email ({code})", code) from error
            raise MailSendError(f"SES refused the email ({code or 'unknown'})", code) from error
        except (ReadTimeoutError, ConnectionClosedError) as error:
            # SES may have accepted the email before the connection broke: do not resend.
            raise MailOutcomeUnknownError(f"no answer from SES ({type(error).__name__})") from error
        except BotoCoreError as error:
            raise MailSendError(f"SES could not be reached ({type(error).__name__})") from error
        return str(response["MessageId"])
