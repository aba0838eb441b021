"""The one retry policy: a bounded number of attempts, with a full-jitter back-off between them.

Writers that lost an optimistic-lock race retry; if they all waited the same time they would
collide again in lockstep, so each waits a random time in `[0, base_delay * 2**n)` ("full
jitter"). The loops read the same way everywhere:

    for attempt in policy.attempts():
        ...                 # try; return on success
        attempt.failed()    # lost: wait, then the loop tries again
    raise SomeConflictError(...)

`sleep` and `jitter` are injected, so tests never sleep and can see every delay.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try and how long to wait after a failure; `base_delay=0` retries at once."""

    max_attempts: int
    base_delay: float = 0.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[float, float], float] = random.uniform

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if self.base_delay < 0:
            raise ValueError(f"base_delay must not be negative, got {self.base_delay}")

    def attempts(self) -> Iterator[Attempt]:
        """The attempts, first to last; the loop stops early by returning or breaking."""
        for number in range(self.max_attempts):
            yield Attempt(self, number)

    def delay(self, number: int) -> float:
        """The wait after the failure of attempt `number` (0-based), drawn with full jitter."""
        ceiling = self.base_delay * 2**number
        return self.jitter(0, ceiling) if ceiling > 0 else 0.0


@dataclass(frozen=True)
class Attempt:
    """One try of a retried operation."""

    policy: RetryPolicy
    number: int

    @property
    def is_last(self) -> bool:
        return self.number + 1 >= self.policy.max_attempts

    def failed(self) -> None:
        """Backs off before the next attempt; after the last there is nothing to wait for."""
        if self.is_last:
            return
        delay = self.policy.delay(self.number)
        if delay > 0:
            self.policy.sleep(delay)
