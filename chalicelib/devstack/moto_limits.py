"""Keeps the embedded moto bounded in memory and time as a dev stack runs for days.

Four things in moto grow with everything ever written or asked, and the dev stack bounds them
(each found by profiling a long run; `bench/local_stack.py` measures the result):

- Every model object moto makes (each item written, each copy of an item a query returns, each
  stream record and shard iterator, each table snapshot a transaction takes) is appended to
  its class's `instances_tracked`, for moto's web dashboard, and never let go: 2,000 extra
  items were alive after 300 steps for the 400 in the tables, with every snapshot's copy of a
  table's partitions. `untracked_models` stops that; the dev stack has no dashboard.
- A table's stream keeps every record since the table was made (DynamoDB Streams keeps 24
  hours), and moto every shard iterator it handed out (real ones expire after 15 minutes).
  Once the pump has delivered records they are dropped (`trim_stream`), the shard's starting
  sequence number moving with them, so moto's iterators still find their place; iterators
  before that start are dropped with them, and only the newest `SHARD_ITERATORS_KEPT` kept.
- `TransactWriteItems` deep-copies each whole table it touches, stream included, to roll back
  on failure: each step cost more than the last. `cheap_transaction_snapshots` makes that copy
  shallow (the item containers, not the items): enough, because moto's Put and Delete replace
  or remove Item objects and never change one in place, and the stack's transactions are Puts,
  Deletes and condition checks only (the event store's append, the view store's commit).
- `Query` walks every item of the table, sorted (`Table.all_items`, a sort costing
  O(n log n) comparisons of `DynamoType`s, each a Python call), to find one partition: one
  contact's events cost more with each contact ever added; profiled, 90 % of the stack's time
  in moto after 1,500 steps. `partition_queries` hands the query only the partition's items (a
  table's own key), or the items that hold the index's key value (an index, found by one
  unsorted walk with plain string compares); moto then filters, sorts and pages them as before.

Each patch checks, when installed, that the moto internals it relies on are still there, and
raises MotoInternalsError if not (tests/devstack/test_moto_limits.py runs the checks), so a
moto upgrade fails loudly instead of running half-patched. Only the dev stack's own moto server
is changed, and only while the stack runs; tests mock AWS with moto as it is.
"""

from __future__ import annotations

import copy
import inspect
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.common_models import BaseModel
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table
from moto.dynamodbstreams.models import dynamodbstreams_backends

# Readers use an iterator at once (the pump asks for a new one on every poll); these are plenty.
SHARD_ITERATORS_KEPT = 100


class MotoInternalsError(Exception):
    """The moto installed no longer has the internals a patch here relies on: fix the patch
    (or drop it, if moto fixed the cost) rather than run moto half-patched."""


def trim_stream(region: str, table_name: str, delivered_through: int) -> int:
    """Drops the stream records of `table_name` up to sequence number `delivered_through`, and
    the shard iterators no reader can use any more; returns how many records were dropped."""
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
    _drop_stale_iterators(region, shard)
    return done


def stream_end(region: str, table_name: str) -> int | None:
    """The sequence number of the last record in the stream of `table_name`, or None when it
    holds none (every one delivered and dropped, or none written)."""
    backend = dict.get(dict.get(dynamodb_backends, DEFAULT_ACCOUNT_ID, {}), region)
    table = backend.tables.get(table_name) if backend is not None else None
    shard = getattr(table, "stream_shard", None)
    if shard is None or not shard.items:
        return None
    return int(shard.starting_sequence_number + len(shard.items) - 1)


def _drop_stale_iterators(region: str, shard: Any) -> None:
    streams = dict.get(dict.get(dynamodbstreams_backends, DEFAULT_ACCOUNT_ID, {}), region)
    iterators = getattr(streams, "shard_iterators", None)
    if not iterators:
        return
    start = shard.starting_sequence_number
    for arn, iterator in list(iterators.items()):
        # One before the shard's start would read trimmed records (moto asserts on it).
        if iterator.stream_shard is shard and iterator.sequence_number < start:
            del iterators[arn]
    for arn in list(iterators)[:-SHARD_ITERATORS_KEPT]:  # a dict keeps the order of creation
        del iterators[arn]


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


def require_snapshot_internals() -> None:
    """Raises MotoInternalsError unless moto's transactions still snapshot tables with the
    `copy` module of their own module's namespace, which the patch replaces."""
    if getattr(dynamodb_models, "copy", None) is not copy:
        raise MotoInternalsError("moto's DynamoDB models no longer import the copy module")
    source = inspect.getsource(DynamoDBBackend.transact_write_items)
    if "copy.deepcopy(" not in source:
        raise MotoInternalsError("moto's transact_write_items no longer deep-copies tables")


@contextmanager
def cheap_transaction_snapshots() -> Iterator[None]:
    """While active, moto's transactions snapshot tables shallowly (see the module's doc)."""
    require_snapshot_internals()
    original = dynamodb_models.copy
    dynamodb_models.copy = _SnapshotCopy  # type: ignore[assignment]
    try:
        yield
    finally:
        dynamodb_models.copy = original


# -- queries that read one partition -----------------------------------------------------------

# The parameters of moto's `Table.query` the narrowing reads; checked when it is installed.
_QUERY_PARAMETERS = ("hash_key", "index_name", "hash_key_conditions")
# (table, its candidate items) while a narrowed query runs in this thread, else None.
_narrowed: ContextVar[tuple[Table, list[Item]] | None] = ContextVar("_narrowed", default=None)


def require_query_internals() -> None:
    """Raises MotoInternalsError unless moto's `Table.query` still takes its candidates from
    `self.all_items()` and still has the parameters the narrowing reads."""
    query, all_items = getattr(Table, "query", None), getattr(Table, "all_items", None)
    if not (callable(query) and callable(all_items)):
        raise MotoInternalsError("moto's Table has no query or all_items any more")
    parameters = inspect.signature(query).parameters
    missing = [name for name in _QUERY_PARAMETERS if name not in parameters]
    if missing:
        raise MotoInternalsError(f"moto's Table.query lost its parameters {missing}")
    if inspect.getsource(query).count("self.all_items()") != 2:
        raise MotoInternalsError("moto's Table.query no longer reads self.all_items() twice")


def _item_order(item: Item) -> Any:
    # The order of moto's own all_items(), so a narrowed query sees its items as moto would.
    return (item.hash_key, item.range_key) if item.range_key else item.hash_key


def _partition(table: Table, hash_key: DynamoType) -> list[Item]:
    # dict.get: `items` is a defaultdict, and a lookup must not add an empty partition.
    # moto types a partition as `dict | Item`: a dict of items by range key when the table
    # has one, else the one item.
    found: Any = dict.get(table.items, hash_key)
    if found is None:
        return []
    return list(found.values()) if table.range_key_attr else [found]


def _matches(value: DynamoType | None, expected: DynamoType) -> bool:
    if value is None or value.type != expected.type:
        return False
    if expected.type == "S":
        return bool(value.value == expected.value)  # a string is its own cast value
    return bool(value == expected)


def _holding(table: Table, conditions: list[tuple[str, DynamoType]]) -> list[Item]:
    """The items whose attributes equal every index key condition: a superset of what the
    query keeps (moto checks each again), found without sorting the table."""
    found: list[Item] = []
    partition: Any
    for partition in table.items.values():
        for item in partition.values() if table.range_key_attr else (partition,):
            attributes = item.attrs
            if all(_matches(attributes.get(name), value) for name, value in conditions):
                found.append(item)
    return found


def _candidates(table: Table, call: dict[str, Any]) -> list[Item] | None:
    """What the query may return, or None when this narrowing does not know (moto walks)."""
    if call.get("index_name"):
        conditions = call.get("hash_key_conditions") or []
        return _holding(table, conditions) if conditions else None
    hash_key = call.get("hash_key")
    return _partition(table, hash_key) if isinstance(hash_key, DynamoType) else None


def _narrowing(query: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(query)

    def narrowed_query(self: Table, *args: Any, **kwargs: Any) -> Any:
        candidates = _candidates(self, signature.bind(self, *args, **kwargs).arguments)
        if candidates is None:
            return query(self, *args, **kwargs)
        token = _narrowed.set((self, sorted(candidates, key=_item_order)))
        try:
            return query(self, *args, **kwargs)
        finally:
            _narrowed.reset(token)

    return narrowed_query


def _serving_narrowed(all_items: Callable[[Table], list[Item]]) -> Callable[[Table], list[Item]]:
    def narrowed_all_items(self: Table) -> list[Item]:
        narrowed = _narrowed.get()
        if narrowed is not None and narrowed[0] is self:
            return narrowed[1]
        return all_items(self)

    return narrowed_all_items


@contextmanager
def partition_queries() -> Iterator[None]:
    """While active, moto's queries read only the partition (or index key) they ask for."""
    require_query_internals()
    query, all_items = Table.query, Table.all_items
    Table.query = _narrowing(query)  # type: ignore[method-assign]
    Table.all_items = _serving_narrowed(all_items)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Table.query, Table.all_items = query, all_items  # type: ignore[method-assign]


# -- model objects nobody looks at -------------------------------------------------------------


def _untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    return object.__new__(cls)


def require_tracking_internals() -> Any:
    """Returns moto's `BaseModel.__new__` as the class holds it, after checking that it is still
    the one that appends every instance to `instances_tracked` (else MotoInternalsError)."""
    original = BaseModel.__dict__.get("__new__")
    function = getattr(original, "__func__", None)
    if not isinstance(original, staticmethod) or function is None:
        raise MotoInternalsError("moto's BaseModel no longer defines __new__")
    if "instances_tracked.append" not in inspect.getsource(function):
        raise MotoInternalsError("moto's BaseModel.__new__ no longer tracks instances")
    return original


@contextmanager
def untracked_models() -> Iterator[None]:
    """While active, moto's model objects are not kept for its dashboard (see the module's doc):
    they live only as long as moto's backends use them."""
    original = require_tracking_internals()
    BaseModel.__new__ = staticmethod(_untracked_new)  # type: ignore[assignment]
    try:
        yield
    finally:
        BaseModel.__new__ = original  # type: ignore[assignment]
