"""The one retry policy: a bounded number of attempts, and a full-jitter wait after each loss."""

from __future__ import annotations

import pytest

from chalicelib.retry import RetryPolicy


class Recorder:
    """Stands in for `time.sleep` and `random.uniform`: records, never waits, draws the top."""

    def __init__(self) -> None:
        self.slept: list[float] = []
        self.ranges: list[tuple[float, float]] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    def jitter(self, low: float, high: float) -> float:
        self.ranges.append((low, high))
        return high


def policy(recorder: Recorder, max_attempts: int = 4, base_delay: float = 0.01) -> RetryPolicy:
    return RetryPolicy(max_attempts, base_delay, recorder.sleep, recorder.jitter)


def test_a_loop_that_always_loses_tries_max_attempts_times() -> None:
    recorder = Recorder()
    tried = []

    for attempt in policy(recorder).attempts():
        tried.append(attempt.number)
        attempt.failed()

    assert tried == [0, 1, 2, 3]


def test_each_loss_waits_a_random_time_below_a_doubling_ceiling() -> None:
    recorder = Recorder()

    for attempt in policy(recorder).attempts():
        attempt.failed()

    assert recorder.ranges == [(0, 0.01), (0, 0.02), (0, 0.04)]
    assert recorder.slept == [0.01, 0.02, 0.04]


def test_there_is_no_wait_after_the_last_attempt() -> None:
    recorder = Recorder()
    attempts = list(policy(recorder, max_attempts=2).attempts())

    attempts[1].failed()

    assert attempts[1].is_last
    assert recorder.slept == []


def test_a_success_ends_the_loop_without_waiting() -> None:
    recorder = Recorder()

    for attempt in policy(recorder).attempts():
        if attempt.number == 1:
            break
        attempt.failed()

    assert recorder.slept == [0.01]


def test_without_a_base_delay_a_loss_is_retried_at_once() -> None:
    recorder = Recorder()

    for attempt in policy(recorder, base_delay=0).attempts():
        attempt.failed()

    assert recorder.slept == []
    assert recorder.ranges == []


def test_the_default_jitter_stays_within_its_ceiling() -> None:
    retry = RetryPolicy(10, 0.01, sleep=lambda _: None)

    assert all(0 <= retry.delay(n) <= 0.01 * 2**n for n in range(10) for _ in range(20))


@pytest.mark.parametrize(
    ("max_attempts", "base_delay", "problem"),
    [(0, 0.01, "max_attempts"), (3, -0.01, "base_delay")],
)
def test_a_policy_that_could_never_try_or_waits_negatively_is_refused(
    max_attempts: int, base_delay: float, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        RetryPolicy(max_attempts, base_delay)
