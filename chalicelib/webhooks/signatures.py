"""Signature checks for Calendly and Cal.com webhook deliveries, on the raw body only.

Both providers sign the exact bytes they send (HMAC-SHA256, hex digest), so a check must run on
the body as received: parsing JSON first and serialising it again changes whitespace, key order
and escapes, and a genuine delivery would then fail (or, worse, a lenient parser would let two
different bodies share one signature). Digests are compared with `hmac.compare_digest`, so the
time taken says nothing about how many characters matched.

- Calendly: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>` where
  `v1 = HMAC-SHA256(signing_key, "<t>.<raw body>")`. The timestamp is signed too, so refusing
  deliveries whose `t` is far from now stops a captured request being replayed later.
  Several `v1` entries are accepted (any one may match), as with other `t=,v1=` schemes during
  key rotation; unknown entries (say a future `v2`) are ignored, not refused.
- Cal.com: `X-Cal-Signature-256: <hex HMAC-SHA256(secret, raw body)>`, no timestamp. A
  `sha256=` prefix is tolerated in case the header ever adopts GitHub's spelling. A webhook
  saved without a secret is sent with the placeholder `no-secret-provided`, which is refused as
  malformed: an unsigned delivery must never pass.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime

CALENDLY_SIGNATURE_HEADER = "Calendly-Webhook-Signature"
CALCOM_SIGNATURE_HEADER = "X-Cal-Signature-256"
DEFAULT_TOLERANCE_SECONDS = 180

# A header longer than this is no genuine one (one `t`, a few 64-character digests): refuse it
# before splitting, so a hostile header costs nothing.
_MAX_HEADER_LENGTH = 1024
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")
# Whole seconds since the epoch; 1 to 12 digits keeps `int()` cheap and far from its limits.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class SignatureError(Exception):
    """The delivery is not provably from the provider: answer 401 and process nothing.

    The message says why (missing header, malformed header, stale timestamp, mismatch) for the
    logs; it never contains the expected digest.
    """


def _require_secret(secret: str, what: str) -> bytes:
    """The secret as bytes; an empty one is a configuration error, not a bad delivery.

    HMAC under an empty key is something anyone can compute, so verifying with it would accept
    forgeries. Raising `ValueError` (not `SignatureError`) makes the endpoint fail loudly with a
    500, and the provider retries the delivery once the secret is configured.
    """
    if not secret:
        raise ValueError(f"no {what} is configured")
    return secret.encode("utf-8")


def _hex_digest(value: str) -> str | None:
    """`value` lowercased if it is a SHA-256 hex digest, else None."""
    return value.lower() if _HEX_DIGEST.fullmatch(value) else None


def _parse_calendly_header(header: str) -> tuple[str, list[str]]:
    """The timestamp (as sent) and every `v1` digest (lowercased) of a Calendly header."""
    timestamps: list[str] = []
    digests: list[str] = []
    for part in header.split(","):
        key, equals, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not equals or not key:
            raise SignatureError(f"malformed {CALENDLY_SIGNATURE_HEADER}: expected key=value pairs")
        if key == "t":
            timestamps.append(value)
        elif key == "v1":
            digest = _hex_digest(value)
            if digest is None:
                raise SignatureError(
                    f"malformed {CALENDLY_SIGNATURE_HEADER}: v1 is not a SHA-256 hex digest"
                )
            digests.append(digest)
    if len(timestamps) != 1:
        raise SignatureError(f"malformed {CALENDLY_SIGNATURE_HEADER}: expected exactly one t=")
    if not _TIMESTAMP.fullmatch(timestamps[0]):
        raise SignatureError(f"malformed {CALENDLY_SIGNATURE_HEADER}: t is not unix seconds")
    if not digests:
        raise SignatureError(f"malformed {CALENDLY_SIGNATURE_HEADER}: no v1 signature")
    return timestamps[0], digests


def verify_calendly(
    header: str | None,
    raw_body: bytes,
    signing_key: str,
    now: datetime,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> None:
    """Return if `header` signs `raw_body` under `signing_key` and is fresh; else raise.

    `now` must be timezone-aware (the caller's clock), so tests can pin it. A timestamp more
    than `tolerance_seconds` away from `now`, in either direction, is refused: too old is a
    possible replay, too far ahead means a clock is wrong and the window could be stretched.
    Exactly `tolerance_seconds` away is still accepted.

    Raises `SignatureError` for a bad delivery and `ValueError` for a missing key or naive `now`.
    """
    key = _require_secret(signing_key, "Calendly webhook signing key")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if header is None or not header.strip():
        raise SignatureError(f"missing {CALENDLY_SIGNATURE_HEADER} header")
    if len(header) > _MAX_HEADER_LENGTH:
        raise SignatureError(f"malformed {CALENDLY_SIGNATURE_HEADER}: too long")
    timestamp, digests = _parse_calendly_header(header)

    skew = now.timestamp() - int(timestamp)
    if abs(skew) > tolerance_seconds:
        direction = "old" if skew > 0 else "in the future"
        raise SignatureError(
            f"stale {CALENDLY_SIGNATURE_HEADER}: timestamp is {abs(skew):.0f}s {direction}"
            f" (tolerance {tolerance_seconds}s)"
        )

    # The timestamp exactly as sent is what Calendly signed (`"<t>.<body>"`).
    expected = hmac.new(key, timestamp.encode("ascii") + b"." + raw_body, hashlib.sha256)
    expected_hex = expected.hexdigest()
    # Every candidate is compared (no early exit), so timing does not reveal which one matched.
    matched = False
    for digest in digests:
        matched |= hmac.compare_digest(digest, expected_hex)
    if not matched:
        raise SignatureError(f"{CALENDLY_SIGNATURE_HEADER} does not match the body")


def verify_calcom(header: str | None, raw_body: bytes, secret: str) -> None:
    """Return if `header` is the HMAC-SHA256 of `raw_body` under `secret`; else raise.

    Cal.com's signature carries no timestamp, so replay protection is left to idempotency: the
    parsed booking's `delivery_key` makes a replayed delivery a no-op.

    Raises `SignatureError` for a bad delivery and `ValueError` for a missing secret.
    """
    key = _require_secret(secret, "Cal.com webhook secret")
    if header is None or not header.strip():
        raise SignatureError(f"missing {CALCOM_SIGNATURE_HEADER} header")
    if len(header) > _MAX_HEADER_LENGTH:
        raise SignatureError(f"malformed {CALCOM_SIGNATURE_HEADER}: too long")
    value = header.strip()
    if value[:7].lower() == "sha256=":
        value = value[7:].strip()
    digest = _hex_digest(value)
    if digest is None:
        raise SignatureError(
            f"malformed {CALCOM_SIGNATURE_HEADER}: not a SHA-256 hex digest"
            " (is a secret set on the Cal.com webhook?)"
        )
    expected_hex = hmac.new(key, raw_body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(digest, expected_hex):
        raise SignatureError(f"{CALCOM_SIGNATURE_HEADER} does not match the body")
