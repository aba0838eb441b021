"""Inbound booking webhooks from Calendly and Cal.com, as pure functions.

Nothing here touches AWS or Chalice, so the HTTP glue stays thin and every rule (what a
signature must look like, which deliveries count, how a reschedule is told apart) is tested
without a server. The glue is expected to:

1. read the raw request body as bytes and the provider's signature header;
2. call `verify_calendly` / `verify_calcom` on those bytes (never on re-serialised JSON, whose
   bytes would differ from what the provider signed) and answer 401 on `SignatureError`;
3. call `parse_calendly` / `parse_calcom` and answer 400 on `PayloadError`;
4. record the `Booking` once per `delivery_key`, doing nothing for `BookingKind.IGNORED`.
"""

from chalicelib.webhooks.bookings import Booking, BookingKind, PayloadError
from chalicelib.webhooks.calcom import parse_calcom
from chalicelib.webhooks.calendly import parse_calendly
from chalicelib.webhooks.signatures import (
    CALCOM_SIGNATURE_HEADER,
    CALENDLY_SIGNATURE_HEADER,
    SignatureError,
    verify_calcom,
    verify_calendly,
)

__all__ = [
    "CALCOM_SIGNATURE_HEADER",
    "CALENDLY_SIGNATURE_HEADER",
    "Booking",
    "BookingKind",
    "PayloadError",
    "SignatureError",
    "parse_calcom",
    "parse_calendly",
    "verify_calcom",
    "verify_calendly",
]
