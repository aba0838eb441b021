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
from chalicelib.devstack.moto_server import LocalAwsServer
from chalicelib.devstack.ses_outbox import SesOutboxMirror
from chalicelib.reminders.sweep_report import SweepReport
from chalicelib.settings import Settings

TOKEN_TTL = timedelta(days=30)
DRAIN_TIMEOUT_SECONDS = 30.0
# Services, the app's routes and the environment are process-wide: one stack at a time.
_running = threading.Lock()


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
        pump_interval: float = 0.25,
        sweep_interval: float = 60.0,
    ) -> None:
        self.host, self.port, self.moto_port = host, port, moto_port
        self.outbox = Path(outbox).resolve()
        self.state_dir = Path(state_dir).resolve()
        self.demo = demo
        self._pump_interval, self._sweep_interval = pump_interval, sweep_interval
        self._exit = contextlib.ExitStack()
        self._pump_lock = threading.Lock()
        self._sweep_lock = threading.Lock()
        self._wired = False
        self.api_url = self.aws_endpoint_url = self.token = ""
        self.demo_contact_ids: list[str] = []

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
        """Stops the threads, then the servers, restores the environment; safe to call twice."""
        self._wired = False
        self._exit.close()

    def _start(self) -> None:
        secret = local_secret.load_or_create(self.state_dir / "dev-secret")
        moto = LocalAwsServer("127.0.0.1", self.moto_port)
        self.aws_endpoint_url = moto.start()
        self._exit.callback(moto.stop)
        api = ApiServer(_chalice_app(), self.host, self.port)
        self._exit.callback(api.stop)
        self.api_url = api.url
        self.environment = stack_environment(
            endpoint_url=self.aws_endpoint_url,
            app_base_url=self.api_url,
            jwt_secret=local_secret.derive(secret, "auth-jwt"),
            unsubscribe_secret=local_secret.derive(secret, "unsubscribe"),
        )
        patch = EnvironmentPatch()
        patch.apply(self.environment)
        self._exit.callback(patch.restore)
        aws.reset_clients()
        self._exit.callback(aws.reset_clients)
        self.settings = Settings.from_env()
        wiring.prepare_local_aws(self.settings)
        self.services = wiring.local_services(self.settings, self.outbox)
        bootstrap.install(self.services)
        self._exit.callback(bootstrap.install, None)
        self._pump = self.services.stream_pump()
        self._sweep = wiring.reminder_sweep(self.services)
        self._mirror = SesOutboxMirror(self.outbox)
        self._wired = True
        self.token = demo_data.demo_token(self.settings, self.services.clock.now(), TOKEN_TTL)
        write_env_file(self.env_file, self.environment)
        if self.demo:
            now = self.services.clock.now()
            self.demo_contact_ids = demo_data.seed(self.services, now)
        self.sweep_now()
        api.start()
        self._start_background()

    def _start_background(self) -> None:
        pump = PeriodicTask("pump", self._pump_interval, self._pump_step)
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
        """Delivers stream records to the projector until none are left; returns how many.

        Every write the API answered is already in the stream, so after this returns the read
        models reflect it: tests wait on this, never on a sleep.
        """
        self._require_running()
        deadline = time.monotonic() + timeout
        delivered = 0
        with self._pump_lock:
            while True:
                batch = self._pump.poll()
                delivered += batch
                if batch == 0:
                    return delivered
                if time.monotonic() > deadline:
                    raise DevStackError(f"the stream was still busy after {timeout} s")

    def sweep_now(self, now: datetime | None = None) -> SweepReport:
        """Projects everything written so far, then runs a reminder sweep as of `now`."""
        self._require_running()
        self.drain()
        with self._sweep_lock:
            result = self._sweep(now)
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
            self._pump.poll()
            self._mirror.export_new()

    def _sweep_step(self) -> None:
        # Projecting first costs little here and means a sweep asked for right after a write
        # already sees it, which a person trying the stack (or a browser test) expects.
        self.sweep_now()

    def _require_running(self) -> None:
        if not self._wired:
            raise DevStackError("the dev stack is not running")


def _chalice_app() -> Any:
    # Imported here: app.py sits at the project root and importing it loads every route.
    import app

    return app.app
