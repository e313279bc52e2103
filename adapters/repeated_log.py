"""A log line that an outage would repeat on every request, said at most once an interval
with the count of those held back: Redis lost for ten seconds at a thousand requests a
second should be a few lines, not ten thousand."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


class RepeatedLog:
    def __init__(
        self,
        logger: logging.Logger,
        level: int,
        interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._level = level
        self._interval = interval
        self._clock = clock
        self._next = float("-inf")
        self._held = 0

    def __call__(self, message: str, *args: object) -> None:
        now = self._clock()
        if now < self._next:
            self._held += 1
            return
        if self._held:
            message += f" (and {self._held} more like it since the last)"
        self._logger.log(self._level, message, *args)
        self._held = 0
        self._next = now + self._interval
