"""DynamoDB's refusals of conditional writes, read one way for every adapter.

A conditional `PutItem`/`UpdateItem`/`DeleteItem` whose condition is false fails with
`ConditionalCheckFailedException`. A `TransactWriteItems` fails as a whole with
`TransactionCanceledException`, whose `CancellationReasons` list one reason per item in request
order (`"None"` for the items that were fine): `ConditionalCheckFailed` when that item's
condition was false, `TransactionConflict` when another transaction held it at the time. For
optimistic locking both mean "another writer got there first". Every other error is a real
failure and must propagate.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

CONDITION_FAILED_ERROR = "ConditionalCheckFailedException"
TRANSACTION_CANCELED_ERROR = "TransactionCanceledException"
# Reasons of one item of a cancelled transaction.
CONDITION_FAILED = "ConditionalCheckFailed"
CONFLICT = "TransactionConflict"
NO_REASON = "None"
LOST_RACE = frozenset({CONDITION_FAILED, CONFLICT})


def error_code(error: ClientError) -> str:
    """The error's code, e.g. `ConditionalCheckFailedException` ("" if it has none)."""
    return str(error.response.get("Error", {}).get("Code", ""))


def is_condition_failure(error: ClientError) -> bool:
    """A single-item write refused because its condition was false."""
    return error_code(error) == CONDITION_FAILED_ERROR


def cancellation_reasons(error: ClientError) -> tuple[str, ...] | None:
    """Each item's reason, in request order, if a transaction was cancelled; else None."""
    if error_code(error) != TRANSACTION_CANCELED_ERROR:
        return None
    reasons = error.response.get("CancellationReasons", [])
    return tuple(str(reason.get("Code", NO_REASON)) for reason in reasons)


def lost_race(error: ClientError, items: slice = slice(None)) -> bool:
    """A transaction cancelled because another writer won one of `items` (default: any)."""
    reasons = cancellation_reasons(error)
    return reasons is not None and any(reason in LOST_RACE for reason in reasons[items])
