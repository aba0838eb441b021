"""The API on Chalice's local server, in a thread of this process, as `chalice local` runs it.

Unlike `chalice local`, nothing here copies the stage's environment variables from
.chalice/config.json into the process: the dev stack has set its own (local tables, secrets,
endpoint) and they must win. The port is bound when the server is made, so port 0 yields a
free port that is known before anything is served (APP_BASE_URL needs it).
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Callable

from chalice.app import Chalice
from chalice.config import Config
from chalice.deploy.validate import validate_routes
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    LocalChalice,
    LocalDevServer,
    LocalGatewayException,
    ThreadedHTTPServer,
)

APP_NAME = "rapport"
STAGE = "dev"
# An HTTP method is an RFC 9110 token; ours are upper case.
_METHOD = re.compile(r"[A-Z][A-Z-]{0,31}")
# How often serve_forever checks for shutdown: often enough for Ctrl-C, rarely enough to idle.
SHUTDOWN_POLL_SECONDS = 0.5


class ApiServerError(Exception):
    """The local API server could not be started."""


class ApiServer:
    """Serves `app` on `host:port` (0 picks a free port) until stopped."""

    def __init__(
        self,
        app: Chalice,
        host: str = "127.0.0.1",
        port: int = 0,
        on_write: Callable[[], None] | None = None,
    ) -> None:
        """`on_write` is called after each request that may have written (not GET or HEAD):
        the dev stack wakes its stream pump with it instead of polling all the time."""
        # The same check `chalice local` makes: routes that could not be deployed fail here.
        validate_routes(app.routes)
        config = Config.create(chalice_stage=STAGE, app_name=APP_NAME)
        try:
            self._server = _local_server(app, config, host, port, on_write)
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


class _ApiShapedGatewayErrors(ChaliceRequestHandler):
    """Chalice's handler, with its gateway's own refusals in the API's error body, with the
    codes infra/ gives API Gateway's deployed (`UNAUTHORIZED`, `DEFAULT_4XX`, `DEFAULT_5XX`)."""

    def _send_error_response(self, error: LocalGatewayException) -> None:
        headers = {**error.headers, "Content-Type": "application/json"}
        self._send_http_response(error.CODE, headers, _gateway_error_body(error.CODE, error.body))


def _gateway_error_body(status: int, body: bytes | None) -> bytes:
    """The API's error body for the local gateway's answer (`{"message": …}`) with `status`:
    a secured call without an `Authorization` header (401), a path no route has (403)."""
    if status == 401:
        code, message = "unauthorized", "sign in again: no token"
    elif status >= 500:
        code, message = "internal_error", "something went wrong on our side; please retry"
    else:
        # API Gateway's message for a call it cannot route echoes any Authorization header
        # back; the token stays out of the answer.
        code, message = "bad_request", _message(body).partition(" Authorization=")[0]
    return json.dumps({"error": {"code": code, "message": message or "no such route"}}).encode()


def _message(body: bytes | None) -> str:
    try:
        found = json.loads(body or b"{}").get("message")
    except (ValueError, AttributeError):
        return ""
    return str(found or "")


class _Server(ThreadedHTTPServer):
    """Chalice's threaded server, with room for many clients at once and quiet hang-ups."""

    # socketserver's default backlog of 5 resets the 6th of 20 clients connecting at once.
    request_queue_size = 128
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up mid-answer is no error of ours: no traceback for it.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(_ApiShapedGatewayErrors):
    on_write: Callable[[], None] | None = None

    def _generic_handle(self) -> None:
        super()._generic_handle()
        if self.on_write is not None and self.command not in ("GET", "HEAD", "OPTIONS"):
            self.on_write()

    def __getattr__(self, name: str) -> Callable[[], None]:
        # http.server answers a method its handler has no `do_` for with an HTML 501; every
        # method (TRACE, QUERY, …) goes to the app, whose router answers a method no route
        # has with the API's 405, as Chalice does deployed.
        if name.startswith("do_") and _METHOD.fullmatch(name.removeprefix("do_")):
            return self._generic_handle
        raise AttributeError(name)


def _local_server(
    app: Chalice, config: Config, host: str, port: int, on_write: Callable[[], None] | None
) -> LocalDevServer:
    # What create_local_server does, with our handler: rebase the app's class onto
    # LocalChalice (thread-local requests). Doing it twice makes an inheritance cycle, so a
    # second start in one process (tests) keeps the already converted app as it is.
    if not isinstance(app, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    hook = staticmethod(on_write) if on_write is not None else None
    handler = type("_StackHandler", (_Handler,), {"on_write": hook})
    return LocalDevServer(app, config, host, port, handler_cls=handler, server_cls=_Server)
