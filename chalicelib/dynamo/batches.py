"""BatchWriteItem of any number of items, one way for every adapter.

DynamoDB takes at most 25 writes a request and may leave some unprocessed when it throttles:
those are sent again after a jittered wait (the caller's `RetryPolicy`); if some are still left
after the last round, the store is overloaded and the caller's request fails. Not a
transaction: each caller says why a partial write is fine for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.retry import RetryPolicy

BATCH_WRITE = 25


class UnprocessedBatchError(Exception):
    """DynamoDB kept leaving part of a batch unprocessed (throttled): retry the whole call."""


def batch_write(
    client: Any, table: str, writes: Sequence[dict[str, Any]], retry: RetryPolicy, *, what: str
) -> None:
    """Sends `writes` (`PutRequest`/`DeleteRequest` entries) to `table`, 25 a request;
    UnprocessedBatchError naming `what` when DynamoDB keeps some unprocessed."""
    for start in range(0, len(writes), BATCH_WRITE):
        request: dict[str, Any] = {table: list(writes[start : start + BATCH_WRITE])}
        for attempt in retry.attempts():
            response = client.batch_write_item(RequestItems=request)
            request = response.get("UnprocessedItems") or {}
            if not request:
                break
            attempt.failed()
        if request:
            raise UnprocessedBatchError(f"DynamoDB kept throttling the write of {what}")
