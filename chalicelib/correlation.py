"""The correlation id: one id from the API request to everything its events cause.

It starts at the request (API Gateway's request id, or a valid `X-Correlation-Id` from the
client), is bound here for the request's duration, stamped on every event appended meanwhile
(`eventstore.mapper.new_event`), and read back from the events by the projector and the sweep,
which log it (and bind it again for the `reminder_sent` they record). A context variable, so
nothing between the edge and the event store has to pass it along.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "x-correlation-id"
# What a client may send: short, printable, no spaces; anything else is replaced, not refused.
_VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

_current: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current() -> str | None:
    """The id bound now, if any."""
    return _current.get()


@contextmanager
def bound(correlation_id: str | None) -> Iterator[None]:
    """Binds `correlation_id` (None: nothing) for the duration of the block."""
    token = _current.set(correlation_id or None)
    try:
        yield
    finally:
        _current.reset(token)


def chosen(header: str | None, request_id: str | None) -> str | None:
    """The client's id when it is a valid one, else the gateway's request id."""
    if header is not None and _VALID.fullmatch(header):
        return header
    return request_id or None
