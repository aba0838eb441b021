"""Requests per API operation, through the real routes: Chalice's test client calls `app`
in-process (authorizer included), and the services behind it talk to moto over HTTP.

Measured warm, as a warm Lambda answers: the user's settings are in the command path's
one-minute cache. A user's very first contact, which also saves their settings, is its own row.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from chalice.test import Client

from app import app
from bench.counting import Tally
from bench.results import Kind, Row
from bench.stack import JWT_SECRET, BenchStack
from chalicelib.auth.minting import mint_token

TENANT = "bench-api"
PAGE_SIZE = 5


class ApiBenchError(Exception):
    """The API answered something other than success: the numbers would mean nothing."""


@dataclass
class ApiSession:
    """Calls the API as one user of the bench tenant."""

    client: Client
    stack: BenchStack
    token: str

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Any:
        sent = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        payload = b""
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        response = self.client.http.request(method, path, headers=sent, body=payload)
        if response.status_code >= 300:
            raise ApiBenchError(f"{method} {path} -> {response.status_code}: {response.body!r}")
        return json.loads(response.body) if response.body else None


def _token(stack: BenchStack, user: str, roles: tuple[str, ...] = ()) -> str:
    return mint_token(
        JWT_SECRET,
        tenant=TENANT,
        user=user,
        email=f"{user}@example.com",
        roles=roles,
        now=stack.clock.now(),
    )


def _measure(stack: BenchStack, runs: int, operation: Callable[[int], object]) -> list[Tally]:
    tallies = []
    for index in range(runs):
        with stack.counter.measure() as tally:
            operation(index)
        tallies.append(tally)
    return tallies


def _row(
    stack: BenchStack,
    name: str,
    kind: Kind,
    runs: int,
    operation: Callable[[int], object],
    note: str = "",
) -> Row:
    started = time.perf_counter()
    tallies = _measure(stack, runs, operation)
    return Row(name, kind, tallies, note=note, wall_seconds=time.perf_counter() - started)


def measure_api(stack: BenchStack, runs: int) -> list[Row]:
    """One row per API operation, each the mean of `runs` calls (spread kept per call)."""
    with Client(app) as client:
        ada = ApiSession(client, stack, _token(stack, "ada"))
        ada.call("POST", "/contacts", {"name": "Warm-up"})  # saves ada's settings once
        plain: list[str] = []
        keyed: list[str] = []
        rows = [
            _row(
                stack,
                "create a contact (a user's first)",
                Kind.COMMAND,
                runs,
                lambda i: ApiSession(client, stack, _token(stack, f"new-{i}")).call(
                    "POST", "/contacts", {"name": f"First {i}"}
                ),
                "also saves the user's settings (email for reminders), once per user",
            ),
            _row(
                stack,
                "create a contact",
                Kind.COMMAND,
                runs,
                lambda i: plain.append(
                    ada.call("POST", "/contacts", {"name": f"Plain {i}", "company": "Acme"})[
                        "contact_id"
                    ]
                ),
            ),
            _row(
                stack,
                "create a contact, with Idempotency-Key",
                Kind.COMMAND,
                runs,
                lambda i: keyed.append(
                    ada.call(
                        "POST",
                        "/contacts",
                        {"name": f"Keyed {i}"},
                        {"Idempotency-Key": f"create-{i}"},
                    )["contact_id"]
                ),
            ),
            _row(
                stack,
                "log a step",
                Kind.COMMAND,
                runs,
                lambda i: ada.call(
                    "POST", f"/contacts/{plain[i]}/events", {"type": "outreach_sent"}
                ),
            ),
            _row(
                stack,
                "log a step, with Idempotency-Key",
                Kind.COMMAND,
                runs,
                lambda i: ada.call(
                    "POST",
                    f"/contacts/{keyed[i]}/events",
                    {"type": "outreach_sent", "channel": "linkedin"},
                    {"Idempotency-Key": f"step-{i}"},
                ),
            ),
            _row(
                stack,
                "get a contact",
                Kind.READ,
                runs,
                lambda i: ada.call("GET", f"/contacts/{plain[i]}"),
            ),
        ]
        stack.drain()
        rows += _read_side(stack, client, ada, runs)
    return rows


def _read_side(stack: BenchStack, client: Client, ada: ApiSession, runs: int) -> list[Row]:
    cursor: list[str | None] = [None]

    def list_page(_: int) -> None:
        query = f"?limit={PAGE_SIZE}" + (f"&cursor={quote(cursor[0])}" if cursor[0] else "")
        page = ada.call("GET", f"/contacts{query}")
        if not page["items"]:
            raise ApiBenchError("the list is empty: the projector did not run")
        cursor[0] = page["next_cursor"]

    def search(_: int) -> None:
        # Case and accents differ from the company as typed ("Acme"): both are ignored.
        page = ada.call("GET", f"/contacts?q={quote('ACMÉ')}&limit={PAGE_SIZE}")
        if not page["items"]:
            raise ApiBenchError("the search found nothing: the projector did not run")

    coach = ApiSession(client, stack, _token(stack, "coach", ("coach",)))
    return [
        _row(
            stack,
            "a list page",
            Kind.READ,
            runs,
            list_page,
            f"limit {PAGE_SIZE}, following next_cursor",
        ),
        _row(
            stack,
            "a search",
            Kind.READ,
            runs,
            search,
            f"`?q=ACMÉ`, one page of up to {PAGE_SIZE}: a filtered Query of the user's views",
        ),
        _row(stack, "the dashboard", Kind.READ, runs, lambda _: ada.call("GET", "/dashboard")),
        _row(
            stack,
            "the tenant dashboard (coach)",
            Kind.READ,
            runs,
            lambda _: coach.call("GET", "/tenant/dashboard"),
        ),
    ]
