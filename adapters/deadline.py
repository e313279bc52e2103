"""The request's deadline and retry budget, visible to every backend call it makes.

The endpoint opens a `RequestScope` per GraphQL request; backend calls (including those a
dataloader makes in its own task: tasks copy the context they are created in) read it to
cap their timeout, so no call outlives its request, and to share one small retry budget,
so one slow request cannot turn into a storm of retries against a struggling backend.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(slots=True)
class RequestScope:
    deadline: float  # time.monotonic() by which the request must be answered
    retries_left: int

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def take_retry(self) -> bool:
        if self.retries_left <= 0:
            return False
        self.retries_left -= 1
        return True


_scope: ContextVar[RequestScope | None] = ContextVar("request_scope", default=None)


def current_scope() -> RequestScope | None:
    return _scope.get()


@contextmanager
def request_scope(seconds: float, retry_budget: int) -> Iterator[RequestScope]:
    scope = RequestScope(time.monotonic() + seconds, retry_budget)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)
