"""Work that Lambda would trigger in the cloud, run on a timer in a thread: the stream pump
(Lambda's event source mapping) and the reminder sweep (EventBridge's schedule)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


class PeriodicTask:
    """Runs `work` every `interval` seconds after start, and at once when triggered, until stopped.

    A failing run is logged and the next one goes ahead, as Lambda retries on its next
    invocation: one bad record or an SES hiccup must not end the dev stack's projections.
    """

    def __init__(self, name: str, interval: float, work: Callable[[], object]) -> None:
        if interval <= 0:
            raise ValueError("interval must be positive")
        self.name = name
        self._interval = interval
        self._work = work
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.failures = 0

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name=f"devstack-{self.name}")
        self._thread.start()

    def trigger(self) -> None:
        """Runs the work as soon as the current run (if any) ends, without waiting for it."""
        self._wake.set()

    def stop(self) -> None:
        """Lets the current run finish, then ends the thread and waits for it."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        # The first run waits an interval: the stack has just run the work itself at start.
        while True:
            self._wake.wait(self._interval)
            self._wake.clear()
            if self._stopping.is_set():
                return
            try:
                self._work()
            except Exception:
                self.failures += 1
                logger.exception("%s failed; trying again in %.1f s", self.name, self._interval)
