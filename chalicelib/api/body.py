"""Reading a request: body size and JSON, and the headers the contract defines."""

from __future__ import annotations

import json
import re
from typing import Any

from chalicelib.api.errors import ApiError, bad_field

MAX_BODY_BYTES = 64 * 1024
MAX_IDEMPOTENCY_KEY = 100
_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')


def json_object(raw: bytes | None) -> dict[str, Any]:
    """The body as a JSON object: 413 past 64 KiB, 400 if not JSON or not an object."""
    raw = raw or b""
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", "the body is over 64 KiB")
    if not raw.strip():
        raise ApiError(400, "malformed_json", "the body must be a JSON object")
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "malformed_json", "the body is not valid JSON") from None
    if not isinstance(value, dict):
        raise ApiError(400, "malformed_json", "the body must be a JSON object")
    return value


def if_match(headers: dict[str, str]) -> int | None:
    """The version an `If-Match` header names (`"4"`, `W/"4"` or `4`), or None."""
    value = headers.get("if-match")
    if value is None or value.strip() == "*":
        # RFC 9110: `*` matches whatever version is current, so there is nothing to compare.
        return None
    match = _ETAG.match(value)
    if not match:
        raise bad_field("If-Match", 'must be a version in quotes, like "4"')
    return int(match.group(1))


def idempotency_key(headers: dict[str, str]) -> str | None:
    """The `Idempotency-Key` header, at most 100 printable characters."""
    key = headers.get("idempotency-key")
    if key is None:
        return None
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise bad_field("Idempotency-Key", "must be 1 to 100 printable characters")
    return key
