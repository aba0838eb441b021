"""Keeps the embedded moto bounded in memory and time as a dev stack runs for days.

Two things in moto grow with everything ever written, and the dev stack bounds both:

- A table's stream keeps every record since the table was made (DynamoDB Streams keeps 24
  hours). Once the pump has delivered records they are dropped (`trim_stream`), the shard's
  starting sequence number moving with them, so moto's iterators still find their place.
- `TransactWriteItems` deep-copies each whole table it touches, stream included, to roll back
  on failure: each step cost more than the last. `cheap_transaction_snapshots` makes that copy
  shallow (the item containers, not the items): enough, because moto's Put and Delete replace
  or remove Item objects and never change one in place, and the stack's transactions are Puts,
  Deletes and condition checks only (the event store's append, the view store's commit).

Only the dev stack's own moto server is changed; tests mock AWS with moto as it is.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table


def trim_stream(region: str, table_name: str, delivered_through: int) -> int:
    """Drops the stream records of `table_name` up to sequence number `delivered_through`;
    returns how many were dropped."""
    backend = dict.get(dict.get(dynamodb_backends, DEFAULT_ACCOUNT_ID, {}), region)
    table = backend.tables.get(table_name) if backend is not None else None
    shard = getattr(table, "stream_shard", None)
    if shard is None:
        return 0
    done = delivered_through - shard.starting_sequence_number + 1
    done = max(0, min(done, len(shard.items)))
    if done:
        del shard.items[:done]
        shard.starting_sequence_number += done
    return done


def _table_snapshot(table: Table) -> Table:
    clone = copy.copy(table)
    clone.items = defaultdict(dict, {hash_key: dict(r) for hash_key, r in table.items.items()})
    shard = table.stream_shard
    if shard is not None:
        shard_clone = copy.copy(shard)
        shard_clone.items = list(shard.items)
        clone.stream_shard = shard_clone
    return clone


class _SnapshotCopy:
    """Stands in for the `copy` module inside moto's DynamoDB backend."""

    copy = staticmethod(copy.copy)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(value, Table):
            return _table_snapshot(value)
        return copy.deepcopy(value, memo)


@contextmanager
def cheap_transaction_snapshots() -> Iterator[None]:
    """While active, moto's transactions snapshot tables shallowly (see the module's doc)."""
    original = dynamodb_models.copy
    dynamodb_models.copy = _SnapshotCopy  # type: ignore[assignment]
    try:
        yield
    finally:
        dynamodb_models.copy = original
