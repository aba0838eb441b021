"""The benchmark's world: moto's ThreadedMotoServer on loopback, Rapport's tables on it, and
Rapport's services wired to it with a clock the benchmark moves and a counter on DynamoDB.

Everything reaches moto over HTTP through `endpoint_url`, as a deployed Lambda reaches
DynamoDB, so each request the code makes is a real request the counter sees.
"""

from __future__ import annotations

import logging
import os
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

from bench.counting import RequestCounter
from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.adapters.table_setup import create_tables
from chalicelib.clock import FixedClock
from chalicelib.settings import Settings

if TYPE_CHECKING:
    from chalicelib.adapters.stream_pump import StreamPump

# Fake credentials only: nothing here may ever reach a real AWS account.
BENCH_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    # moto with botocore >= 1.44 answers DynamoDB Streams with 404 otherwise.
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}
# The same client settings as Rapport's own (chalicelib/adapters/aws.py), so the peer is
# measured on equal terms.
CLIENT_CONFIG = Config(
    account_id_endpoint_mode="disabled", retries={"mode": "standard", "max_attempts": 3}
)
JWT_SECRET = "bench-secret-long-enough-for-hs256-signing"
# A Thursday, so business-day rules behave as on any weekday.
START = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


class StackError(Exception):
    """The embedded endpoint could not be started or prepared."""


@dataclass
class BenchStack:
    """A running endpoint with Rapport's tables, services and a DynamoDB request counter."""

    server: ThreadedMotoServer
    endpoint_url: str
    settings: Settings
    clock: FixedClock
    services: bootstrap.Services
    counter: RequestCounter = field(default_factory=RequestCounter)
    _pump: StreamPump | None = None

    @property
    def dynamodb(self) -> Any:
        """Rapport's own cached client: the one every service uses, already counted."""
        return self.counter.attach(aws.client("dynamodb", self.settings))

    def new_client(self, service: str = "dynamodb") -> Any:
        """A separate client on the same endpoint (the peer, seeding), counted if DynamoDB."""
        client = boto3.session.Session().client(
            service,
            region_name=self.settings.region,
            endpoint_url=self.endpoint_url,
            config=CLIENT_CONFIG,
        )
        return self.counter.attach(client) if service == "dynamodb" else client

    def pump(self) -> StreamPump:
        """The events table's stream, delivered to the projector as Lambda would."""
        if self._pump is None:
            self._pump = self.services.stream_pump()
        return self._pump

    def drain(self) -> None:
        """Projects every event written so far (not measured: callers measure what they need)."""
        pump = self.pump()
        pump.drain()
        if pump.set_aside:
            raise StackError(f"the projector set aside {len(pump.set_aside)} records")

    def fresh(self) -> None:
        """Empties the endpoint and rebuilds the services: each measurement starts alone, with
        no earlier phase's reminders due, its stream unread or its tables large."""
        _reset(self.endpoint_url)
        _prepare(self.settings)
        self.clock.set(START)
        self.services = bootstrap.for_aws(self.settings, clock=self.clock, sleep=_no_sleep)
        bootstrap.install(self.services)
        self._pump = None

    def close(self) -> None:
        bootstrap.install(None)
        aws.reset_clients()
        self.server.stop()


def start_stack() -> BenchStack:
    """Starts moto on a free loopback port and wires Rapport's services to it."""
    os.environ.update(BENCH_ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    # werkzeug logs a line per request; a benchmark makes hundreds of thousands.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # Port 0: the OS picks a free port, read back once the server is bound.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    _reset(endpoint)
    settings = Settings(
        stage="bench",
        aws_endpoint_url=endpoint,
        events_table="bench-events",
        views_table="bench-views",
        auth_jwt_secret=JWT_SECRET,
        auth_issuer="rapport-local",
        auth_audience="rapport",
        unsubscribe_secret="bench-unsubscribe-secret",
        app_base_url="https://app.rapport.example",
    )
    aws.reset_clients()
    _prepare(settings)
    clock = FixedClock(START)
    services = bootstrap.for_aws(settings, clock=clock, sleep=_no_sleep)
    bootstrap.install(services)
    stack = BenchStack(server, endpoint, settings, clock, services)
    stack.counter.attach(aws.client("dynamodb", settings))
    stack.counter.attach_timing(aws.client("sesv2", settings))
    return stack


def _prepare(settings: Settings) -> None:
    create_tables(aws.client("dynamodb", settings), settings)
    aws.client("ses", settings).verify_email_identity(EmailAddress=settings.reminder_from)


def _no_sleep(seconds: float) -> None:
    """Retries back off without waiting: a benchmark measures requests, not jitter."""


def _reset(endpoint: str) -> None:
    """moto's backends are process memory: start from empty, whatever ran before."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    except OSError as error:
        raise StackError(f"moto did not answer at {endpoint}: {error}") from error
