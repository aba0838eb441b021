"""`python -m bench.capacity` bills items by DynamoDB's size rules, on the items the code writes."""

from __future__ import annotations

import pytest

from bench.capacity import item_size, measure, report


def test_an_item_s_size_is_its_names_and_values_as_dynamodb_counts_them() -> None:
    item = {
        "PK": {"S": "T#acme"},  # 2 + 6
        "n": {"N": "12345"},  # 1 + 3
        "ok": {"BOOL": True},  # 2 + 1
        "m": {"M": {"a": {"S": "xy"}}},  # 1 + 3 + 1 + 1 + 2
        "l": {"L": [{"S": "é"}]},  # 1 + 3 + 1 + 2
    }

    assert item_size(item) == 8 + 4 + 3 + 8 + 7


@pytest.mark.usefixtures("aws_mock")
def test_every_step_writes_and_reads_whole_units_and_the_sweep_sends_what_is_due() -> None:
    rows, largest = measure()

    steps = [row for row in rows if row[0].startswith("log step")]
    assert len(steps) == 7
    # The step's 3, and the authorizer's membership check: the scenario moves an hour between
    # steps, past the check's cached minute, so each step pays its GetItem again.
    assert all(requests == 4 and wru >= 8 for _, requests, _, wru in steps)
    assert all(float(wru).is_integer() for *_, wru in rows)
    (sweep,) = [row for row in rows if row[0].startswith("the sweep")]
    assert "(0 reminder" not in sweep[0]
    assert largest["E"] < 1024  # an event fits one write unit
    assert "| get the contact (8 events) | 1 |" in report(rows, largest)
