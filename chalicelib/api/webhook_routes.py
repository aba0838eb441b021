"""`POST /webhooks/calendly/{hook_id}` and `POST /webhooks/calcom/{hook_id}`: bookings from the
user's scheduling page. No bearer token: the URL finds the user and the signature proves the
provider sent it (`service/booking_webhooks.py`)."""

from __future__ import annotations

from chalicelib.api.errors import ApiError, bad_field, not_found
from chalicelib.api.request import ApiRequest
from chalicelib.api.responses import ApiResponse
from chalicelib.clock import Clock
from chalicelib.service.booking_webhooks import (
    BookingWebhooks,
    DeliveryPayloadError,
    DeliveryRefusedError,
    Parse,
    UnknownHookError,
    Verify,
)
from chalicelib.webhooks.calcom import parse_calcom
from chalicelib.webhooks.calendly import parse_calendly
from chalicelib.webhooks.signatures import verify_calcom, verify_calendly


def calendly(
    request: ApiRequest, *, booking_webhooks: BookingWebhooks, clock: Clock
) -> ApiResponse:
    def verify(header: str | None, raw: bytes, key: str) -> None:
        verify_calendly(header, raw, key, clock.now())

    header = request.headers.get("calendly-webhook-signature")
    return _deliver(request, booking_webhooks, "calendly", header, verify, parse_calendly)


def calcom(request: ApiRequest, *, booking_webhooks: BookingWebhooks) -> ApiResponse:
    header = request.headers.get("x-cal-signature-256")
    return _deliver(request, booking_webhooks, "calcom", header, verify_calcom, parse_calcom)


def _deliver(
    request: ApiRequest,
    webhooks: BookingWebhooks,
    provider: str,
    header: str | None,
    verify: Verify,
    parse: Parse,
) -> ApiResponse:
    hook_id = request.path_params.get("hook_id", "")
    try:
        delivered = webhooks.deliver(provider, hook_id, header, request.raw_body, verify, parse)
    except UnknownHookError:
        raise not_found("webhook") from None
    except DeliveryRefusedError as error:
        raise ApiError(401, "bad_signature", str(error)) from None
    except DeliveryPayloadError as error:
        raise bad_field(error.field, error.message) from None
    return ApiResponse(200, delivered.body())
