"""Helpers that sign fixture bodies the way Calendly and Cal.com do, for the webhook tests.

They are written independently of `chalicelib.webhooks.signatures` (straight from the
providers' documented schemes), so a test that passes proves the verifier matches the
provider, not merely itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def calendly_header(body: bytes, key: str, t: int) -> str:
    """`Calendly-Webhook-Signature` for `body` at unix time `t`: HMAC-SHA256 of `"<t>.<body>"`."""
    digest = hmac.new(key.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def calcom_header(body: bytes, secret: str) -> str:
    """`X-Cal-Signature-256` for `body`: the hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def load_fixture(name: str) -> bytes:
    """The raw bytes of `fixtures/<name>` (the `.json` suffix may be left off)."""
    path = FIXTURES / (name if name.endswith(".json") else f"{name}.json")
    return path.read_bytes()


def fixture_document(name: str) -> dict[str, Any]:
    """A fixture parsed, for tests that alter one field and serialise it again."""
    document = json.loads(load_fixture(name))
    assert isinstance(document, dict)
    return document


def encode(document: object) -> bytes:
    """A document as a delivery body."""
    return json.dumps(document).encode()
