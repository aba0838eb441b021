"""One API over one moto stack for a module of refusals (which write nothing), and the checks
that a refusal names its field and wrote nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from chalice.test import Client
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber

from app import app
from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.adapters.table_setup import create_tables
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings
from tests.api.conftest import Api, body_of, is_membership_record
from tests.conftest import TEST_ENV, _serialized_stubber_call


@contextmanager
def one_stack(now: datetime) -> Iterator[Api]:
    """The conftest's `api`, built once (for a module-scoped fixture)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in TEST_ENV.items():
            patch.setenv(name, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        patch.delenv("AUTH_JWKS_URL", raising=False)
        patch.setattr(BotocoreStubber, "__call__", _serialized_stubber_call)
        settings = Settings.from_env()
        clock = FixedClock(now)
        aws.reset_clients()
        with mock_aws():
            create_tables(aws.client("dynamodb", settings), settings)
            bootstrap.install(bootstrap.for_aws(settings, clock=clock, sleep=lambda _: None))
            try:
                with Client(app) as client:
                    yield Api(client, settings, clock)
            finally:
                bootstrap.install(None)
        aws.reset_clients()


def items_in_events_table(api: Api) -> int:
    """Every item of the events table a request wrote: events, settings, idempotency records
    (the authorizer's record of having seen a caller is no request's write)."""
    dynamodb = aws.client("dynamodb", api.settings)
    pages = dynamodb.get_paginator("scan").paginate(TableName=api.settings.events_table)
    return sum(not is_membership_record(item) for page in pages for item in page["Items"])


def new_contact(api: Api) -> str:
    created = api.call("POST", "/contacts", {"name": "Ada Park"}, token=api.token())
    assert created.status_code == 201, body_of(created)
    return str(body_of(created)["contact_id"])


def assert_refused(api: Api, path: str, body: dict[str, Any], field: str, words: str) -> None:
    """A 400 naming `field` with `words` in its reason, and not one item written."""
    before = items_in_events_table(api)

    response = api.call("POST", path, body, token=api.token())

    assert response.status_code == 400, body_of(response)
    error = body_of(response)["error"]
    assert error["code"] == "validation_error"
    problems = {problem["field"]: problem["message"] for problem in error["fields"]}
    assert field in problems, error
    assert words in problems[field]
    assert items_in_events_table(api) == before, "a refused request wrote to the table"
