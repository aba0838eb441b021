"""Tokens the API must refuse, sent over HTTP: each gets 401 with the API's error body, and
nothing behind the token check runs."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from typing import Any

import jwt
import pytest
from chalice.test import Client
from cryptography.hazmat.primitives.asymmetric import rsa
from moto import mock_aws

from app import app
from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.auth.minting import mint_token
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings
from tests.api.conftest import Api, body_of

OTHER_SECRET = "another-secret-that-is-also-long-enough"


def _claims(api: Api, **changes: Any) -> dict[str, Any]:
    """The claims of a good local token, with `changes` applied (None removes a claim)."""
    issued = int(api.clock.now().timestamp())
    claims: dict[str, Any] = {
        "sub": "ada",
        "tenant_id": "acme",
        "email": "ada@example.com",
        "roles": [],
        "iss": api.settings.auth_issuer,
        "aud": api.settings.auth_audience,
        "iat": issued,
        "exp": issued + 3600,
    }
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


def _signed(api: Api, **changes: Any) -> str:
    return jwt.encode(
        _claims(api, **changes), api.settings.auth_jwt_secret or "", algorithm="HS256"
    )


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _unsigned(api: Api) -> str:
    return f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(_claims(api))}."


def _rs256(api: Api) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(_claims(api), key, algorithm="RS256", headers={"kid": "k1"})


def _expired(api: Api) -> str:
    secret = api.settings.auth_jwt_secret or ""
    issued = api.clock.now() - timedelta(hours=2)
    return mint_token(secret, tenant="acme", user="ada", email="ada@example.com", now=issued)


def _without(api: Api, claim: str) -> str:
    return _signed(api, **{claim: None})


MakeToken = Callable[[Api], str]

BAD_TOKENS: dict[str, MakeToken] = {
    "expired an hour ago": _expired,
    "unsigned (alg none)": _unsigned,
    "signed with another key": lambda api: jwt.encode(
        _claims(api), OTHER_SECRET, algorithm="HS256"
    ),
    "signed with RS256 where HS256 is expected": _rs256,
    "of another issuer": lambda api: _signed(api, iss="https://evil.example"),
    "for another audience": lambda api: _signed(api, aud="someone-else"),
    "issued in the future": lambda api: _signed(
        api,
        iat=int(api.clock.now().timestamp()) + 3600,
        exp=int(api.clock.now().timestamp()) + 7200,
    ),
    "not valid before tomorrow": lambda api: _signed(
        api, nbf=int((api.clock.now() + timedelta(days=1)).timestamp())
    ),
    "with a tenant that could forge a key prefix": lambda api: _signed(api, tenant_id="acme#C#x"),
    "with roles that are not a list": lambda api: _signed(api, roles="coach"),
    "that is not a JWT": lambda api: "not.a.jwt",
    **{
        f"missing {claim}": partial(_without, claim=claim)
        for claim in ("sub", "tenant_id", "email", "exp", "iss", "aud")
    },
}


@pytest.fixture
def untabled_api(env: dict[str, str], settings: Settings, clock: FixedClock) -> Iterator[Api]:
    """The API over moto with no tables at all: a request that got past the token check would
    touch storage and fail with a 500, so each 401 here also shows nothing was read or written.
    (Cheap, too: creating the tables is what makes the full stack slow to set up.)"""
    aws.reset_clients()
    with mock_aws():
        bootstrap.install(bootstrap.for_aws(settings, clock=clock))
        try:
            with Client(app) as client:
                yield Api(client, settings, clock)
        finally:
            bootstrap.install(None)
    aws.reset_clients()


def _assert_unauthorized(response: Any) -> None:
    assert response.status_code == 401, body_of(response)
    error = body_of(response)["error"]
    assert error["code"] == "unauthorized"
    assert error["message"]


@pytest.mark.parametrize("make_token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_bad_token_gets_401_and_nothing_behind_it_runs(
    untabled_api: Api, make_token: MakeToken
) -> None:
    token = make_token(untabled_api)
    _assert_unauthorized(untabled_api.call("POST", "/contacts", {"name": "Ada"}, token=token))
    _assert_unauthorized(untabled_api.call("GET", "/me/settings", token=token))


def test_a_bearer_header_in_another_scheme_gets_401(api: Api) -> None:
    response = api.call("GET", "/me/settings", headers={"Authorization": f"Basic {api.token()}"})
    _assert_unauthorized(response)


def test_every_secured_route_refuses_an_expired_token(untabled_api: Api) -> None:
    api = untabled_api
    token = _expired(api)
    secured = [
        (path, method)
        for path, methods in app.routes.items()
        for method, entry in methods.items()
        if entry.authorizer is not None
    ]
    assert secured
    for path, method in secured:
        concrete = path.replace("{contact_id}", "0123456789abcdef")
        body: dict[str, Any] | None = {} if method in {"POST", "PUT", "PATCH"} else None
        if path == "/contacts/import":  # a CSV route
            response = api.call(
                method, concrete, token=token, headers={"Content-Type": "text/csv"}, raw=b"Name\n"
            )
        else:
            response = api.call(method, concrete, body, token=token)
        assert response.status_code == 401, (method, path, body_of(response))
        assert body_of(response)["error"]["code"] == "unauthorized", (method, path)


def test_a_token_is_refused_once_its_time_and_the_leeway_are_up(api: Api) -> None:
    token = api.token()  # valid for an hour; the verifier allows 30 s for clock skew

    api.clock.advance(timedelta(hours=1, seconds=10))
    assert api.call("GET", "/me/settings", token=token).status_code == 200

    api.clock.advance(timedelta(seconds=20))
    _assert_unauthorized(api.call("GET", "/me/settings", token=token))


def test_a_request_without_a_token_gets_401(untabled_api: Api) -> None:
    # Chalice's local gateway refuses a request with no Authorization header itself, before our
    # authorizer runs, with its own body ({"message": "Unauthorized"}); so only the status is
    # ours to check here. Deployed, infra/ maps API Gateway's UNAUTHORIZED gateway response
    # to the API's error body.
    response = untabled_api.call("POST", "/contacts", {"name": "Ada Park"})
    assert response.status_code == 401


def test_the_public_endpoints_need_no_token(untabled_api: Api) -> None:
    assert untabled_api.call("GET", "/health").status_code == 200
    assert untabled_api.call("GET", "/openapi.json").status_code == 200
