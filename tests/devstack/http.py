"""Calls a running stack over real HTTP, as a browser or script would."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
DEADLINE_SECONDS = 10.0
POLL_SECONDS = 0.05


def call(method: str, url: str, *, token: str | None = None, body: Any = None) -> tuple[int, Any]:
    """The status and the parsed JSON body (None when empty); 4xx/5xx are answers, not errors."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=DEADLINE_SECONDS) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, json.loads(raw) if raw else None


def eventually(probe: Callable[[], T | None], what: str) -> T:
    """Polls `probe` until it returns something, failing after a deadline (never a fixed wait)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"{what} did not happen within {DEADLINE_SECONDS} s")
