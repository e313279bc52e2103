"""A circuit breaker per backend: a dead backend costs microseconds, not a timeout.

closed     calls go through; `failure_threshold` failures in a row open it
open       calls fail at once (CircuitOpenError, a BackendUnavailableError) for `open_seconds`
half-open  then up to `probes` calls go through; a success closes it, a failure reopens

Only failures that say the backend is unwell count (unreachable, timed out, 5xx); a 404
or a refused input is the backend working. Written here rather than taken from a library
because it must run on the gateway's clock (tests move it) and report its state to the
health route and metrics.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from adapters.clock import Clock
from adapters.errors import BackendError, BackendResponseError, CircuitOpenError


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


def counts_as_failure(error: BackendError) -> bool:
    if isinstance(error, BackendResponseError):
        return error.status is None or error.status >= 500 or error.status == 429
    return True


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        clock: Clock,
        *,
        failure_threshold: int = 5,
        open_seconds: float = 10.0,
        probes: int = 1,
        on_change: Callable[[str, BreakerState], None] | None = None,
    ) -> None:
        self.name = name
        self._clock = clock
        self._threshold = failure_threshold
        self._open_seconds = open_seconds
        self._probes = probes
        self._on_change = on_change
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probes_out = 0

    @property
    def state(self) -> BreakerState:
        if (
            self._state is BreakerState.OPEN
            and self._clock.monotonic() - self._opened_at >= self._open_seconds
        ):
            self._move(BreakerState.HALF_OPEN)
        return self._state

    def before_call(self) -> None:
        """Raise at once when the backend is known to be down."""
        state = self.state
        if state is BreakerState.OPEN:
            raise CircuitOpenError(self.name, "circuit open: the backend is failing")
        if state is BreakerState.HALF_OPEN:
            if self._probes_out >= self._probes:
                raise CircuitOpenError(self.name, "circuit half-open: probing")
            self._probes_out += 1

    def record_nothing(self) -> None:
        """The call said nothing about the backend (the request's deadline ran out): a
        half-open probe it took is handed back for the next call."""
        if self._state is BreakerState.HALF_OPEN and self._probes_out > 0:
            self._probes_out -= 1

    def record_success(self) -> None:
        self._failures = 0
        if self._state is not BreakerState.CLOSED:
            self._move(BreakerState.CLOSED)

    def record_failure(self, error: BackendError) -> None:
        if not counts_as_failure(error):
            self.record_success()
            return
        self._failures += 1
        if self._state is BreakerState.HALF_OPEN or self._failures >= self._threshold:
            self._opened_at = self._clock.monotonic()
            self._move(BreakerState.OPEN)

    def _move(self, state: BreakerState) -> None:
        self._state = state
        self._probes_out = 0
        if state is BreakerState.CLOSED:
            self._failures = 0
        if self._on_change is not None:
            self._on_change(self.name, state)
