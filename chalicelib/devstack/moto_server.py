"""An embedded AWS endpoint: moto's server app on loopback, in a thread of this process.

Like moto's ThreadedMotoServer, with two differences the dev stack needs. Requests are
served one at a time: moto checks a condition and writes in two Python steps, so two
concurrent conditional writes (the API and the sweep on one contact) could both "win", which
real DynamoDB never allows. And the socket is closed on stop, so a fixed port is free again
for the next start.
"""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterable
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

WsgiApp = Any
# How often serve_forever checks for shutdown: often enough for Ctrl-C, rarely enough to idle.
SHUTDOWN_POLL_SECONDS = 0.5


class MotoServerError(Exception):
    """The embedded AWS endpoint could not start or answer."""


class _QuietHandler(MotoRequestHandler):
    # The pump polls several times a second; a log line per poll would drown the API's lines.
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class _Serialized:
    """Runs one request at a time through `app`, body included, for linearizable writes."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with self._lock:
            return list(self._app(environ, start_response))


class LocalAwsServer:
    """moto on `host:port` (0 picks a free port); `endpoint_url` is known once started."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise MotoServerError("the AWS endpoint is not running")
        return f"http://{self._host}:{self._server.server_port}"

    def start(self) -> str:
        """Binds, serves in a daemon thread, forgets any earlier state; returns the endpoint."""
        app = _Serialized(DomainDispatcherApplication(create_backend_app))
        try:
            self._server = make_server(
                self._host, self._port, app, threaded=True, request_handler=_QuietHandler
            )
        except OSError as error:
            raise MotoServerError(f"cannot listen on {self._host}:{self._port}: {error}") from error
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="devstack-moto",
            daemon=True,
        )
        self._thread.start()
        # moto's backends live in this process's memory and outlive a server: a stack started
        # again in the same process (tests) must begin as empty as a fresh process does.
        self.reset()
        return self.endpoint_url

    def reset(self) -> None:
        """Empties every moto backend (tables, streams, SES), as a new process would have them."""
        # An http:// URL this object built itself, on loopback: no scheme an attacker picks.
        url = f"{self.endpoint_url}/moto-api/reset"
        request = urllib.request.Request(url, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                response.read()
        except OSError as error:
            raise MotoServerError(f"moto did not reset: {error}") from error

    def stop(self) -> None:
        """Stops serving, joins the thread and frees the port; safe to call twice."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join()
