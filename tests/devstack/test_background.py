"""Periodic work in a thread: runs when triggered, survives failures, and stops cleanly."""

from __future__ import annotations

import threading

import pytest

from chalicelib.devstack.background import PeriodicTask

WAIT = 5.0  # an upper bound for a thread to react, never a pause


class Work:
    """Counts runs, signals each one, and fails on the runs it is told to."""

    def __init__(self, fail_on: frozenset[int] = frozenset()) -> None:
        self.runs = 0
        self.ran = threading.Event()
        self._fail_on = fail_on

    def __call__(self) -> None:
        self.runs += 1
        self.ran.set()
        if self.runs in self._fail_on:
            raise RuntimeError(f"run {self.runs} failed")


def test_a_trigger_runs_the_work_without_waiting_for_the_interval() -> None:
    work = Work()
    task = PeriodicTask("test", interval=3600, work=work)
    task.start()
    try:
        task.trigger()
        assert work.ran.wait(WAIT)
    finally:
        task.stop()

    assert work.runs == 1


def test_nothing_runs_at_start_and_stop_ends_the_thread_at_once() -> None:
    work = Work()
    task = PeriodicTask("test", interval=3600, work=work)
    task.start()

    task.stop()

    assert work.runs == 0
    assert not any(t.name == "devstack-test" for t in threading.enumerate())


def test_a_failed_run_is_counted_and_the_next_one_still_happens(
    caplog: pytest.LogCaptureFixture,
) -> None:
    work = Work(fail_on=frozenset({1}))
    task = PeriodicTask("test", interval=3600, work=work)
    task.start()
    try:
        task.trigger()
        assert work.ran.wait(WAIT)
        work.ran.clear()
        task.trigger()
        assert work.ran.wait(WAIT)
    finally:
        task.stop()

    assert (work.runs, task.failures) == (2, 1)
    assert "test failed" in caplog.text


def test_a_task_needs_a_positive_interval() -> None:
    with pytest.raises(ValueError, match="positive"):
        PeriodicTask("test", interval=0, work=Work())
