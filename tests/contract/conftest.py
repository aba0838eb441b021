"""The contract as clients meet it: the served document, a Python client generated from it
(once per session, into a temporary folder), and the app served over HTTP on moto."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.auth.minting import LOCAL_AUDIENCE, LOCAL_ISSUER, mint_token
from chalicelib.clock import FixedClock
from chalicelib.devstack.api_server import ApiServer
from chalicelib.settings import Settings
from tests.contract.tools import generate_client

CLIENT_PACKAGE = "rapport_client"


@pytest.fixture(scope="session")
def served_document() -> dict[str, Any]:
    """`GET /openapi.json`, as a client without a token fetches it."""
    with Client(app) as client:
        response = client.http.get("/openapi.json")
    assert response.status_code == 200
    return dict(json.loads(response.body))


@pytest.fixture(scope="session")
def generated_folder(
    served_document: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return generate_client(served_document, tmp_path_factory.mktemp("client"), CLIENT_PACKAGE)


@pytest.fixture(scope="session")
def rapport_client(generated_folder: Path) -> Iterator[ModuleType]:
    """The generated package, importable as `rapport_client` for the session."""
    sys.path.insert(0, str(generated_folder.parent))
    try:
        yield importlib.import_module(CLIENT_PACKAGE)
    finally:
        sys.path.remove(str(generated_folder.parent))
        for name in [n for n in sys.modules if n.split(".")[0] == CLIENT_PACKAGE]:
            del sys.modules[name]


@pytest.fixture
def base_url(services: bootstrap.Services) -> Iterator[str]:
    """The app on Chalice's local server, as the dev stack serves it, over the test's moto."""
    server = ApiServer(app)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def token_for(settings: Settings, clock: FixedClock) -> Callable[..., str]:
    def token(user: str = "ada", roles: tuple[str, ...] = ()) -> str:
        return mint_token(
            settings.auth_jwt_secret or "",
            tenant="acme",
            user=user,
            email=f"{user}@example.com",
            roles=roles,
            now=clock.now(),
            issuer=settings.auth_issuer or LOCAL_ISSUER,
            audience=settings.auth_audience or LOCAL_AUDIENCE,
        )

    return token
