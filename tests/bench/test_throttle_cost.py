"""`python -m bench.throttle_cost` measures what it says, on a small run (its full run is 400
requests a case): one write per admitted request, a second one when a view is stale, and
refusals that mostly cost nothing."""

from __future__ import annotations

import pytest

from bench.throttle_cost import SETTINGS, measure, render

# A burst of 20 at 25 a second, so 40 requests at 100 a second run out of it.
SMALL = SETTINGS.model_copy(update={"tenant_burst_limit": 20})


@pytest.mark.usefixtures("aws_mock")
def test_the_limiter_costs_one_update_per_admitted_request_and_less_per_refusal() -> None:
    steady, shared, flood = measure(requests=40, settings=SMALL)

    assert (steady.admitted, dict(steady.calls)) == (40, {"UpdateItem": 40})
    assert shared.admitted == 40
    assert dict(shared.calls) == {"UpdateItem": 42}  # one stale view per cycle of two bursts
    assert 20 <= flood.admitted < 40
    assert flood.per_request < 1
    report = render([steady, shared, flood], SMALL)
    assert "| within-rate-one-instance | 40 | 40 | UpdateItem x 40 | 1.00 |" in report
    assert "## Per-tenant limiter (25 requests/s, burst 20)" in report
