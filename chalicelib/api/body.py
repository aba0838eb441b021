"""Reading a request: body size and JSON, integer parameters, and the headers the contract defines.

One strict reader for every body, because a lenient one fails late and loudly: Python's `json`
recurses once per nesting level (30,000 brackets are a RecursionError, a 500), reads `NaN`,
`Infinity` and `1e400` as floats no other JSON parser (nor DynamoDB) accepts, and keeps the last
of two equal keys where other parsers keep the first. And one parser for every integer a query,
header or authorizer context spells, because `str.isdigit` and `int` accept far more than ASCII
digits (`"²".isdigit()` is True yet `int("²")` fails; `int("٣")` is 3, `int(" 4_0 ")` is 40).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from chalicelib.api.errors import ApiError, bad_field

MAX_BODY_BYTES = 64 * 1024
# The deepest body the contract has is two levels (a step's `questions` list in its object);
# 32 leaves room for any client's wrapping while keeping every parser, ours and pydantic's,
# far from its recursion limit.
MAX_JSON_DEPTH = 32
MAX_IDEMPOTENCY_KEY = 100
# Ten digits hold any version, limit or epoch second we read (up to 9,999,999,999).
MAX_INTEGER_DIGITS = 10
# The two headers' rules, as the OpenAPI document states them (api/openapi_parts.py): a version
# in ASCII digits, quoted, weak or bare, or `*`; a key of printable ASCII (header values are
# bytes on the wire, and anything else arrives differently through each proxy).
IF_MATCH_PATTERN = r'^[ \t]*(?:\*|(?:W/)?"?[0-9]{1,10}"?)[ \t]*$'
IDEMPOTENCY_KEY_PATTERN = r"^[\x20-\x7e]{1,100}$"
_IF_MATCH = re.compile(IF_MATCH_PATTERN)
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
_DIGITS = re.compile(r"[0-9]+")
# The characters that open, close or escape something in JSON: the depth scan visits only these.
_STRUCTURE = re.compile(r'[\[\]{}"\\]')


def json_object(raw: bytes | None) -> dict[str, Any]:
    """The body as a JSON object: 413 past 64 KiB, 400 `malformed_json` unless it is one strict
    JSON object (UTF-8, at most 32 levels deep, finite numbers, no key twice in an object)."""
    raw = raw or b""
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", "the body is over 64 KiB")
    try:
        # RFC 8259 §8.1: JSON between systems is UTF-8 (json.loads would also guess UTF-16/32).
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed("the body is not UTF-8") from None
    if not text.strip():
        raise _malformed("the body must be a JSON object")
    if _nested_deeper_than(text, MAX_JSON_DEPTH):
        raise _malformed(f"the body nests more than {MAX_JSON_DEPTH} levels of arrays and objects")
    try:
        value = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
        # A lone surrogate (`"\ud800"`) parses, but no UTF-8 store or hash can hold it.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError) as error:
        raise _malformed(f"the body is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise _malformed("the body must be a JSON object")
    return value


def ascii_integer(text: object, max_digits: int = MAX_INTEGER_DIGITS) -> int | None:
    """The integer `text` spells in 1 to `max_digits` ASCII digits, else None: no sign, space,
    underscore, superscript or other script's digit (all of which `int` or `isdigit` take)."""
    if not isinstance(text, str) or not 0 < len(text) <= max_digits:
        return None
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def integer_parameter(name: str, raw: str | None, *, default: int, low: int, high: int) -> int:
    """A query or header integer from `low` to `high` (`default` when absent); else a 400 that
    names the parameter."""
    if raw is None:
        return default
    value = ascii_integer(raw)
    if value is None or not low <= value <= high:
        raise bad_field(name, f"must be a whole number from {low} to {high}")
    return value


def if_match(headers: dict[str, str]) -> int | None:
    """The version an `If-Match` header names (`"4"`, `W/"4"` or `4`), or None."""
    value = headers.get("if-match")
    if value is None:
        return None
    if not _IF_MATCH.fullmatch(value):
        raise bad_field("If-Match", 'must be a version in quotes, like "4"')
    digits = _DIGITS.search(value)
    if digits is None:
        # RFC 9110: `*` matches whatever version is current, so there is nothing to compare.
        return None
    return int(digits.group())


def idempotency_key(headers: dict[str, str]) -> str | None:
    """The `Idempotency-Key` header, 1 to 100 printable ASCII characters."""
    key = headers.get("idempotency-key")
    if key is None:
        return None
    if not _IDEMPOTENCY_KEY.fullmatch(key):
        raise bad_field(
            "Idempotency-Key", f"must be 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters"
        )
    return key


def _malformed(message: str) -> ApiError:
    return ApiError(400, "malformed_json", message)


def _nested_deeper_than(text: str, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit`, brackets inside strings aside.

    One pass without recursion, run before parsing so that no parser ever descends that far.
    Malformed text may be miscounted; the parser refuses it next anyway.
    """
    depth = 0
    in_string = False
    escaped_at = -1
    for match in _STRUCTURE.finditer(text):
        at, char = match.start(), match.group()
        if at == escaped_at:
            continue
        if in_string:
            if char == "\\":
                escaped_at = at + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# Integers a float holds exactly: beyond them, `2.0**60` and `2**60 + 1` are the same float.
_EXACT_INTEGERS = 2**53


def _finite_float(text: str) -> float | int:
    """A number with a fraction or exponent; a whole one (`2.0`, `1e2`) is read as the integer
    it is, as JSON Schema's `integer` means (the contract's integers are checked strictly)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    if value.is_integer() and abs(value) < _EXACT_INTEGERS:
        return int(value)
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the key {key!r} appears twice in one object")
        found[key] = value
    return found
