"""The API on Chalice's local server, in a thread of this process, as `chalice local` runs it.

Unlike `chalice local`, nothing here copies the stage's environment variables from
.chalice/config.json into the process: the dev stack has set its own (local tables, secrets,
endpoint) and they must win. The port is bound when the server is made, so port 0 yields a
free port that is known before anything is served (APP_BASE_URL needs it).
"""

from __future__ import annotations

import threading

from chalice.app import Chalice
from chalice.config import Config
from chalice.deploy.validate import validate_routes
from chalice.local import LocalChalice, LocalDevServer, create_local_server

APP_NAME = "rapport"
STAGE = "dev"
# How often serve_forever checks for shutdown: Ctrl-C should feel instant.
SHUTDOWN_POLL_SECONDS = 0.05


class ApiServerError(Exception):
    """The local API server could not be started."""


class ApiServer:
    """Serves `app` on `host:port` (0 picks a free port) until stopped."""

    def __init__(self, app: Chalice, host: str = "127.0.0.1", port: int = 0) -> None:
        # The same check `chalice local` makes: routes that could not be deployed fail here.
        validate_routes(app.routes)
        config = Config.create(chalice_stage=STAGE, app_name=APP_NAME)
        try:
            self._server = _local_server(app, config, host, port)
        except OSError as error:
            raise ApiServerError(f"cannot listen on {host}:{port}: {error}") from error
        self.host = host
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server.server_address[1])

    @property
    def url(self) -> str:
        """Where a browser on this machine reaches the API (a wildcard host means loopback)."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        # LocalDevServer.serve_forever prints a banner of its own; the CLI prints a better one.
        self._thread = threading.Thread(
            target=self._server.server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="devstack-api",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stops accepting requests, joins the thread and frees the port."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server.server_close()


def _local_server(app: Chalice, config: Config, host: str, port: int) -> LocalDevServer:
    # create_local_server rebases the app's class onto LocalChalice (thread-local requests);
    # doing it twice makes an inheritance cycle, so a second start in one process (tests)
    # builds the server directly around the already converted app.
    if isinstance(app, LocalChalice):
        return LocalDevServer(app, config, host, port)
    return create_local_server(app, config, host, port)
