"""The dev stack's inbound mail: a real SMTP server on loopback (aiosmtpd) whose messages go
through the same handler as SES's deployed (`InboundMail.receive`).

It accepts recipients of the inbound domain only (as SES's receipt rule does) and hands each
message over with its envelope recipients, so a Bcc to `log+…@` reaches the handler as it would
deployed. The handler runs in a worker thread, never on the server's event loop.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Sequence
from typing import Any

from aiosmtpd.controller import Controller

Receive = Callable[[bytes, Sequence[str]], Any]
# A message of the size SES accepts at most.
MAX_MESSAGE_BYTES = 40 * 1024 * 1024


class _Handler:
    def __init__(self, receive: Receive, domain: str, after: Callable[[], None]) -> None:
        self._receive = receive
        self._domain = domain.lower()
        self._after = after

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if not address.lower().endswith("@" + self._domain):
            return "550 5.1.1 not an address of this server"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._receive, data, list(envelope.rcpt_tos))
        await loop.run_in_executor(None, self._after)
        # Accepted whatever it was: a refusal would tell a forger what the server thinks.
        return "250 Message accepted"


class LocalSmtpServer:
    """`start()` returns the port; `stop()` shuts the server down."""

    def __init__(
        self,
        receive: Receive,
        domain: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        after: Callable[[], None] = lambda: None,
    ) -> None:
        self.host = host
        self.port = port
        self._handler = _Handler(receive, domain, after)
        self._controller: Controller | None = None

    def start(self) -> int:
        port = self.port or _free_port(self.host)
        controller = Controller(
            self._handler,
            hostname=self.host,
            port=port,
            data_size_limit=MAX_MESSAGE_BYTES,
            decode_data=False,
        )
        controller.start()
        self._controller, self.port = controller, port
        return port

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _free_port(host: str) -> int:
    # aiosmtpd's controller checks that its server answers on the port it was given, so a
    # port is picked first (the OS's free one) rather than passing 0.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
