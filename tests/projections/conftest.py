"""Projector tests run over moto, with the stream drained into the projector on demand."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.adapters.stream_pump import StreamPump
from chalicelib.auth.identity import Identity
from tests.projections.support import pump_for


@pytest.fixture
def dynamodb(services: bootstrap.Services) -> Any:
    return aws.client("dynamodb", services.settings)


@pytest.fixture
def pump(services: bootstrap.Services) -> StreamPump:
    """`pump.drain()` delivers every new stream record to the projector, as Lambda would."""
    return pump_for(services)


@pytest.fixture
def ada() -> Identity:
    return Identity("ada", "acme", "ada@example.com")
