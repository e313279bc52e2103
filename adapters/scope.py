"""The request's scope: its deadline, retry budget, trace ids and tallies, visible to
every backend call it makes.

The endpoint opens a `RequestScope` per GraphQL request; backend calls (including those a
dataloader makes in its own task: tasks copy the context they are created in) read it to
cap their timeout, so no call outlives its request, and to share one small retry budget,
so one slow request cannot turn into a storm of retries against a struggling backend.
The tallies (backend calls, cache hits) feed the request's log line.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


@dataclass(slots=True)
class RequestScope:
    deadline: float  # time.monotonic() by which the request must be answered
    retries_left: int
    request_id: str = ""
    trace_id: str = field(default_factory=lambda: secrets.token_hex(16))
    backend_calls: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    # Whole answers served from the answer cache (adapters/cache/answers.py).
    answers_kept: int = 0
    # A stale balance was served: nothing read in this request may be kept whole.
    served_stale: bool = False

    def traceparent(self) -> str:
        """A W3C traceparent for one outgoing call: this trace, a new span id."""
        return f"00-{self.trace_id}-{secrets.token_hex(8)}-01"

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def take_retry(self) -> bool:
        if self.retries_left <= 0:
            return False
        self.retries_left -= 1
        return True


_scope: ContextVar[RequestScope | None] = ContextVar("request_scope", default=None)


def count_cache_lookups(hits: int, misses: int) -> None:
    """Add cache lookups to the request's tallies (its log line), if in a request."""
    scope = _scope.get()
    if scope is not None:
        scope.cache_hits += hits
        scope.cache_misses += misses


def current_scope() -> RequestScope | None:
    return _scope.get()


def trace_id_from(traceparent: str | None) -> str | None:
    """The trace id of an incoming W3C traceparent, to continue the caller's trace."""
    found = _TRACEPARENT.match(traceparent or "")
    if found is None or found.group(1) == "0" * 32:
        return None
    return found.group(1)


@contextmanager
def request_scope(
    seconds: float,
    retry_budget: int,
    request_id: str = "",
    trace_id: str | None = None,
) -> Iterator[RequestScope]:
    scope = RequestScope(time.monotonic() + seconds, retry_budget, request_id)
    if trace_id is not None:
        scope.trace_id = trace_id
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)
