from __future__ import annotations

import pytest

from adapters.breaker import BreakerState, CircuitBreaker
from adapters.errors import (
    BackendNotFoundError,
    BackendTimeoutError,
    CircuitOpenError,
)
from tests.harness.clock import FakeClock

FAILURE = BackendTimeoutError("billing", "slow")


def state(breaker: CircuitBreaker) -> BreakerState:
    # A call, so that mypy does not narrow the property across the asserts.
    return breaker.state


def test_opens_after_failures_in_a_row_then_probes_and_closes() -> None:
    clock = FakeClock()
    changes: list[BreakerState] = []
    breaker = CircuitBreaker(
        "billing",
        clock,
        failure_threshold=3,
        open_seconds=10,
        on_change=lambda _, s: changes.append(s),
    )
    for _ in range(2):
        breaker.before_call()
        breaker.record_failure(FAILURE)
    assert state(breaker) is BreakerState.CLOSED
    breaker.record_failure(FAILURE)
    assert state(breaker) is BreakerState.OPEN
    with pytest.raises(CircuitOpenError):
        breaker.before_call()

    clock.advance(10)
    assert state(breaker) is BreakerState.HALF_OPEN
    breaker.before_call()  # the one probe
    with pytest.raises(CircuitOpenError):
        breaker.before_call()
    breaker.record_success()
    assert state(breaker) is BreakerState.CLOSED
    assert changes == [BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED]


def test_a_failed_probe_reopens() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("billing", clock, failure_threshold=1, open_seconds=5)
    breaker.record_failure(FAILURE)
    clock.advance(5)
    breaker.before_call()
    breaker.record_failure(FAILURE)
    assert state(breaker) is BreakerState.OPEN


def test_a_success_resets_the_count_and_a_404_is_no_failure() -> None:
    breaker = CircuitBreaker("billing", FakeClock(), failure_threshold=2)
    breaker.record_failure(FAILURE)
    breaker.record_failure(BackendNotFoundError("billing", "no such bucket", 404))
    breaker.record_failure(FAILURE)
    assert state(breaker) is BreakerState.CLOSED
