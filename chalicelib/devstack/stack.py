"""DevStack: starts and stops the whole system in this process, for `cli dev` and for tests.

    with DevStack(port=0, outbox=tmp_path / "outbox", state_dir=tmp_path) as stack:
        urlopen(f"{stack.api_url}/health")
        stack.drain()       # the projections have caught up with every write so far
        stack.sweep_now()   # a reminder sweep, as the schedule would run it

By the time `start()` returns, the demo data is written and projected, the first sweep has
run (so the outbox already holds the demo's due reminders), and the API is serving.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from chalicelib import bootstrap
from chalicelib.adapters import aws
from chalicelib.devstack import demo_data, local_secret, wiring
from chalicelib.devstack.api_server import ApiServer
from chalicelib.devstack.background import PeriodicTask
from chalicelib.devstack.environment import EnvironmentPatch, stack_environment, write_env_file
from chalicelib.devstack.journal import EventsJournal
from chalicelib.devstack.moto_limits import (
    cheap_transaction_snapshots,
    partition_queries,
    stream_end,
    trim_stream,
    untracked_models,
)
from chalicelib.devstack.moto_server import LocalAwsServer
from chalicelib.devstack.ses_outbox import SesOutboxMirror
from chalicelib.devstack.smtp_server import LocalSmtpServer
from chalicelib.reminders.sweep_report import SweepReport
from chalicelib.settings import Settings

TOKEN_TTL = timedelta(days=30)
# Idle, the pump reads the stream this often; the API wakes it at once after each write.
IDLE_PUMP_SECONDS = 5.0
JOURNAL = "events.jsonl"
DRAIN_TIMEOUT_SECONDS = 30.0
# Services, the app's routes and the environment are process-wide: one stack at a time.
_running = threading.Lock()
logger = logging.getLogger(__name__)


class DevStackError(Exception):
    """The stack could not start, or was used while not running."""


class DevStack:
    """The whole system on one machine: AWS endpoint, API, projections, scheduler, outbox."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        moto_port: int = 0,
        outbox: str | Path = ".local/outbox",
        state_dir: str | Path = ".local",
        demo: bool = True,
        fresh: bool = False,
        pump_interval: float = IDLE_PUMP_SECONDS,
        sweep_interval: float = 60.0,
        smtp_port: int = 0,
    ) -> None:
        """`pump_interval` is how often the stream is read when nothing woke the pump: the API
        wakes it after every write, so that only catches writes of other processes (`cli`).
        `fresh` forgets the data kept from earlier runs; the demo data goes only into an empty
        stack."""
        self.host, self.port, self.moto_port = host, port, moto_port
        self.smtp_port = smtp_port
        self.outbox = Path(outbox).resolve()
        self.state_dir = Path(state_dir).resolve()
        self.demo = demo
        self.fresh = fresh
        self._pump_interval, self._sweep_interval = pump_interval, sweep_interval
        self._exit = contextlib.ExitStack()
        self._pump_lock = threading.Lock()
        self._sweep_lock = threading.Lock()
        self._wired = False
        self.api_url = self.aws_endpoint_url = self.token = ""
        self.demo_contact_ids: list[str] = []
        self.restored = 0
        self.jwt_secret_source = ""

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> DevStack:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> DevStack:
        """Brings everything up; on any failure, stops what had started and re-raises."""
        if not _running.acquire(blocking=False):
            raise DevStackError("a dev stack is already running in this process")
        self._exit.callback(_running.release)
        try:
            self._start()
        except BaseException:
            self._exit.close()
            raise
        return self

    def stop(self) -> None:
        """Stops the threads, carries the last writes into the journal, then stops the servers
        and restores the environment; safe to call twice."""
        self._wired = False
        self._exit.close()

    @property
    def journal_file(self) -> Path:
        """Where the events table is kept between runs."""
        return self.state_dir / JOURNAL

    def _start(self) -> None:
        secret = local_secret.load_or_create(self.state_dir / "dev-secret")
        if self.fresh:
            self.journal_file.unlink(missing_ok=True)
        journal = EventsJournal(self.journal_file)
        kept = journal.load()
        moto = LocalAwsServer("127.0.0.1", self.moto_port)
        self.aws_endpoint_url = moto.start()
        self._exit.callback(moto.stop)
        self._exit.enter_context(cheap_transaction_snapshots())
        self._exit.enter_context(partition_queries())
        self._exit.enter_context(untracked_models())
        api = self._api = ApiServer(_chalice_app(), self.host, self.port, on_write=self._wake_pump)
        self._exit.callback(api.stop)
        self.api_url = api.url
        self.jwt_secret_source, jwt_secret = _jwt_secret(secret)
        self.environment = stack_environment(
            endpoint_url=self.aws_endpoint_url,
            app_base_url=self.api_url,
            jwt_secret=jwt_secret,
            unsubscribe_secret=local_secret.derive(secret, "unsubscribe"),
        )
        patch = EnvironmentPatch()
        patch.apply(self.environment)
        self._exit.callback(patch.restore)
        aws.reset_clients()
        self._exit.callback(aws.reset_clients)
        self.settings = Settings.from_env()
        wiring.prepare_local_aws(self.settings)
        self.restored = journal.restore(
            aws.client("dynamodb", self.settings), self.settings.events_table
        )
        self.services = wiring.local_services(self.settings, self.outbox)
        bootstrap.install(self.services)
        self._exit.callback(bootstrap.install, None)
        projector = self.services.projector

        def deliver(event: dict[str, Any]) -> dict[str, Any]:
            journal.record(event)  # first: what the journal holds is what was acknowledged
            return projector.handle(event)

        self._pump = self.services.adapters.stream_pump(deliver)
        self._sweep = wiring.reminder_sweep(self.services)
        self._mirror = SesOutboxMirror(self.outbox)
        self._wired = True
        # Stopping carries the last writes into the journal before the servers go.
        self._exit.callback(self._final_drain)
        self.token = demo_data.demo_token(self.settings, self.services.clock.now(), TOKEN_TTL)
        write_env_file(self.env_file, self.environment)
        if self.demo and not kept:
            now = self.services.clock.now()
            self.demo_contact_ids = demo_data.seed(self.services, now)
        self.sweep_now()
        self._start_smtp()
        api.start()
        self._start_background()

    def _start_smtp(self) -> None:
        """Replies to reminders and Bcc'd emails, on loopback; each message projected at once."""
        inbound = self.services.inbound_mail
        assert self.settings.inbound_domain is not None
        smtp = LocalSmtpServer(
            inbound.receive,
            self.settings.inbound_domain,
            host="127.0.0.1",
            port=self.smtp_port,
            after=self._after_mail,
        )
        try:
            self.smtp_port = smtp.start()
        except (OSError, RuntimeError) as error:
            message = f"cannot receive mail on 127.0.0.1:{self.smtp_port}: {error}"
            raise DevStackError(message) from error
        self._exit.callback(smtp.stop)

    def _after_mail(self) -> None:
        # The answer is in the outbox and the steps in the read models when a test looks.
        self.drain()
        with self._pump_lock:
            self._mirror.export_new()

    @property
    def smtp_address(self) -> str:
        return f"127.0.0.1:{self.smtp_port}"

    def _start_background(self) -> None:
        pump = self._pump_task = PeriodicTask("pump", self._pump_interval, self._pump_step)
        self._scheduler = PeriodicTask("sweep", self._sweep_interval, self._sweep_step)
        for task in (pump, self._scheduler):
            task.start()
            self._exit.callback(task.stop)

    # -- what tests and the CLI use ----------------------------------------------------------

    @property
    def dashboard_url(self) -> str:
        return f"{self.api_url}/#token={self.token}"

    @property
    def env_file(self) -> Path:
        """A file other shells source to run CLI commands against this stack."""
        return self.state_dir / "dev.env"

    def outbox_messages(self) -> list[Path]:
        """The `.eml` files in the outbox, oldest first."""
        return sorted(self.outbox.glob("*.eml"))

    def drain(self, timeout: float = DRAIN_TIMEOUT_SECONDS) -> int:
        """Delivers stream records to the projector until every record written before the
        call is delivered (or none is left); returns how many it delivered.

        Every write the API answered is already in the stream, so after this returns the read
        models reflect it: tests wait on this, never on a sleep. Writes arriving meanwhile are
        left to the pump: under a steady stream of writes, waiting for an empty stream would
        never end (and the scheduled sweep, which drains first, would never run).
        """
        self._require_running()
        deadline = time.monotonic() + timeout
        written = stream_end(self.settings.region, self.settings.events_table)
        delivered = 0
        with self._pump_lock:
            while True:
                batch = self._pump_and_trim()
                delivered += batch
                if batch == 0 or self._delivered_through(written):
                    return delivered
                if time.monotonic() > deadline:
                    raise DevStackError(f"the stream was still busy after {timeout} s")

    def _delivered_through(self, sequence: int | None) -> bool:
        reached = self._pump.delivered_through().values()
        return sequence is not None and bool(reached) and min(reached) >= sequence

    def sweep_now(self, now: datetime | None = None) -> SweepReport:
        """Projects everything written so far, runs a reminder sweep as of `now`, and projects
        what the sweep recorded (`reminder_sent`), so the read models show it at once."""
        self._require_running()
        self.drain()
        with self._sweep_lock:
            result = self._sweep(now)
        self.drain()
        with self._pump_lock:
            self._mirror.export_new()
        return result

    def request_sweep(self) -> None:
        """Asks the scheduler thread for a sweep now, without waiting for it (`kill -USR1`)."""
        self._require_running()
        self._scheduler.trigger()

    def _pump_step(self) -> None:
        # The SES mirror rides along: emails sent by other processes show up just as quickly.
        with self._pump_lock:
            self._pump_and_trim()
            self._mirror.export_new()

    def _pump_and_trim(self) -> int:
        """One poll of the stream; what it delivered leaves moto's memory (moto_limits)."""
        delivered = self._pump.poll()
        for sequence in self._pump.delivered_through().values():
            trim_stream(self.settings.region, self.settings.events_table, sequence)
        return delivered

    def _wake_pump(self) -> None:
        task = getattr(self, "_pump_task", None)
        if task is not None:
            task.trigger()

    def _final_drain(self) -> None:
        self._api.stop()  # nothing new arrives while the last writes are carried over
        try:
            with self._pump_lock:
                while self._pump_and_trim():
                    pass
        except Exception:  # the servers may already be failing: stopping must go on
            logger.exception("could not carry the last writes into the journal")

    def _sweep_step(self) -> None:
        # Projecting first costs little here and means a sweep asked for right after a write
        # already sees it, which a person trying the stack (or a browser test) expects.
        self.sweep_now()

    def _require_running(self) -> None:
        if not self._wired:
            raise DevStackError("the dev stack is not running")


def _jwt_secret(master: str) -> tuple[str, str]:
    """`AUTH_JWT_SECRET` when the caller set one (tokens minted elsewhere then work), else one
    derived from the stack's own secret; and which it is, for the banner."""
    given = os.environ.get("AUTH_JWT_SECRET", "").strip()
    if given:
        return "AUTH_JWT_SECRET from the environment", given
    return "derived from .local/dev-secret", local_secret.derive(master, "auth-jwt")


def _chalice_app() -> Any:
    # Imported here: app.py sits at the project root and importing it loads every route.
    import app

    return app.app
