"""An API under test: Chalice's test client over moto, with a clock the test moves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.auth.minting import mint_token
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings


@dataclass
class Api:
    """Calls the API as a given user; bodies go as JSON, answers come back parsed."""

    client: Client
    settings: Settings
    clock: FixedClock

    def token(self, tenant: str = "acme", user: str = "ada", **extra: Any) -> str:
        return mint_token(
            self.settings.auth_jwt_secret or "",
            tenant=tenant,
            user=user,
            email=extra.pop("email", f"{user}@example.com"),
            roles=extra.pop("roles", ()),
            now=self.clock.now(),
            **extra,
        )

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Any:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        if payload:
            sent.setdefault("Content-Type", "application/json")
        return self.client.http.request(method, path, headers=sent, body=payload)


def met(api: Api, *tokens: str) -> None:
    """Lets the authorizer see these callers first, as a warm API has: a user's first call
    registers them as a member (one GetItem and one conditional PutItem, `service/membership.py`),
    which a test that counts one request's calls or writes must not count."""
    for token in tokens:
        assert api.call("GET", "/me/sharing", token=token).status_code == 200


def is_membership_record(item: dict[str, Any]) -> bool:
    """The authorizer's record of a caller (`T#{tenant}#TENANCY`): written on a user's first
    call, whatever that call asked for, so never a refused request's write."""
    return str(item.get("PK", {}).get("S", "")).endswith("#TENANCY")


def body_of(response: Any) -> Any:
    return json.loads(response.body) if response.body else None


@pytest.fixture
def api(services: bootstrap.Services, settings: Settings, clock: FixedClock) -> Iterator[Api]:
    with Client(app) as client:
        yield Api(client, settings, clock)


class DynamoDBCalls:
    """The DynamoDB operations the services asked for, in order, since the last `take`."""

    def __init__(self) -> None:
        self._seen: list[str] = []

    def record(self, model: Any, **_: Any) -> None:
        self._seen.append(model.name)

    def take(self) -> list[str]:
        seen, self._seen = self._seen, []
        return seen


@pytest.fixture
def calls(api: Api) -> Iterator[DynamoDBCalls]:
    client = aws.client("dynamodb", api.settings)
    counter = DynamoDBCalls()
    client.meta.events.register("before-call.dynamodb", counter.record)
    yield counter
    client.meta.events.unregister("before-call.dynamodb", counter.record)
