"""The property the projector exists for: whatever the stream does, the read models end equal to a
fresh fold of the events and to `rebuild-projections`.

Random valid steps over several contacts, three users and two tenants, with settings changes,
reminders sent and erasures among them, are recorded through the command service on moto.
Stream records are delivered while the steps happen and at the end: shuffled, a third of them
twice, part of them held back ("lost") and redelivered last, in batches of random sizes, as
Lambda's at-least-once, unordered-across-items delivery allows.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from chalicelib.projections.rebuild import rebuild
from tests.projections.random_world import SETTINGS, STEPS, USERS, Op, World, interleave
from tests.projections.support import fresh_fold, views

LABEL = st.integers(0, 9)
USER = st.integers(0, len(USERS) - 1)
paths = st.lists(
    st.tuples(USER, st.lists(st.integers(0, 4), max_size=7)),
    min_size=2,
    max_size=5,
)
extras = st.lists(
    st.one_of(
        st.tuples(st.just("step"), LABEL, st.sampled_from(sorted(STEPS))),
        st.tuples(
            st.just("settings"), st.integers(0, len(USERS) - 1), st.integers(0, len(SETTINGS) - 1)
        ),
        st.tuples(st.just("remind"), LABEL),
        st.tuples(st.just("erase"), LABEL),
        st.tuples(st.just("wait"), st.integers(1, 96)),
        st.tuples(st.just("deliver"), st.floats(0.0, 1.0)),
    ),
    max_size=12,
)


def _ops(contacts: list[tuple[int, list[int]]], more: list[Op], rng: random.Random) -> list[Op]:
    per_contact = [
        [("add", label, owner), *(("advance", label, choice) for choice in choices)]
        for label, (owner, choices) in enumerate(contacts)
    ]
    return interleave(per_contact, more, rng)


@pytest.mark.usefixtures("aws_mock")
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    # Shrinking replays examples on moto for many minutes; a failing example is reported as
    # generated (add Phase.shrink locally to minimise one).
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(contacts=paths, more=extras, seed=st.integers(0, 2**32 - 1), lost=st.floats(0.0, 0.6))
def test_shuffled_duplicated_and_lost_records_still_end_equal_to_a_fold_and_a_rebuild(
    contacts: list[tuple[int, list[int]]], more: list[Op], seed: int, lost: float
) -> None:
    rng = random.Random(seed)
    world = World(rng)
    for op in _ops(contacts, more, rng):
        world.apply(op)
    world.pending += world.pump.fetch()
    world.deliver(1.0 - lost)
    world.deliver(1.0)  # what was held back arrives last

    projected = views(world.services)
    assert projected == fresh_fold(world.services)
    built = world.services
    rebuild(built.adapters.events_snapshot(), built.view_store, built.projector)
    assert views(world.services) == projected
