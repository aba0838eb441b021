"""DynamoDB's refusals, read one way: a false condition, and a transaction lost to a race."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.dynamo.errors import (
    cancellation_reasons,
    error_code,
    is_condition_failure,
    lost_race,
)


def client_error(code: str, operation: str = "PutItem", **extra: Any) -> ClientError:
    """What botocore raises, built by hand: the parsed response and the operation's name."""
    response: dict[str, Any] = {"Error": {"Code": code, "Message": f"{code} (test)"}, **extra}
    return ClientError(response, operation)


def cancelled(*reasons: str | None) -> ClientError:
    """A cancelled TransactWriteItems; None stands for a reason without a Code."""
    listed = [{"Code": code} if code is not None else {} for code in reasons]
    return client_error(
        "TransactionCanceledException", "TransactWriteItems", CancellationReasons=listed
    )


def test_a_false_condition_on_one_item_is_a_condition_failure() -> None:
    assert is_condition_failure(client_error("ConditionalCheckFailedException"))


def test_throttling_or_a_cancelled_transaction_is_not_a_condition_failure() -> None:
    assert not is_condition_failure(client_error("ProvisionedThroughputExceededException"))
    assert not is_condition_failure(cancelled("ConditionalCheckFailed"))


def test_an_error_without_a_code_has_an_empty_one() -> None:
    assert error_code(ClientError({}, "PutItem")) == ""


def test_a_cancelled_transaction_names_each_items_reason_in_request_order() -> None:
    error = cancelled("None", "ConditionalCheckFailed", None)

    assert cancellation_reasons(error) == ("None", "ConditionalCheckFailed", "None")


def test_only_a_cancelled_transaction_has_reasons() -> None:
    assert cancellation_reasons(client_error("ConditionalCheckFailedException")) is None
    assert cancellation_reasons(client_error("ValidationException")) is None


def test_a_false_condition_or_a_conflict_in_a_transaction_is_a_lost_race() -> None:
    assert lost_race(cancelled("None", "ConditionalCheckFailed"))
    assert lost_race(cancelled("TransactionConflict", "None"))


def test_a_transaction_cancelled_for_another_reason_is_no_race() -> None:
    assert not lost_race(cancelled("None", "ValidationError"))
    assert not lost_race(cancelled("ThrottlingError"))
    assert not lost_race(client_error("ConditionalCheckFailedException"))


def test_a_race_can_be_looked_for_among_some_items_only() -> None:
    # Events first, then an idempotency record: a clash on the record is not the events' race.
    error = cancelled("None", "None", "ConditionalCheckFailed")

    assert not lost_race(error, slice(2))
    assert lost_race(error, slice(2, None))
