"""The one exception tree for backend failures.

aiohttp's exceptions are translated into these at the edge (`adapters.http`), so that the
layers above branch on what happened, never on which HTTP library noticed it.

    BackendError
    ├── BackendUnavailableError   the backend could not be reached (refused, reset, dropped)
    │   └── CircuitOpenError      ... or is known to be failing: not even tried
    ├── BackendTimeoutError       it did not answer within its timeout
    │   └── DeadlineSpentError    ... or the request's deadline ran out first: not its fault
    └── BackendResponseError      it answered, but not usefully (5xx, unexpected 4xx, bad JSON)
        ├── BackendNotFoundError  it answered 404 for the entity asked for
        └── BackendRefusalError   it refused a change (400/409/422) with a TMF error `code`
"""

from __future__ import annotations


class BackendError(Exception):
    """A backend call failed. `backend` names the system (billing, provisioning, ...)."""

    code = "BACKEND_ERROR"

    def __init__(self, backend: str, message: str) -> None:
        super().__init__(f"{backend}: {message}")
        self.backend = backend
        self.detail = message


class BackendUnavailableError(BackendError):
    code = "BACKEND_UNAVAILABLE"


class CircuitOpenError(BackendUnavailableError):
    pass


class BackendTimeoutError(BackendError):
    code = "BACKEND_TIMEOUT"


class DeadlineSpentError(BackendTimeoutError):
    """The request's deadline was spent before (or while) the backend was asked: what the
    caller ran out of, not what the backend did, so no breaker counts it."""


class BackendResponseError(BackendError):
    code = "BACKEND_ERROR"

    def __init__(
        self,
        backend: str,
        message: str,
        status: int | None = None,
        *,
        body: bytes = b"",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(backend, message)
        self.status = status
        # The start of the answer, for adapters that read a backend's error codes.
        self.body = body
        self.retry_after = retry_after


class BackendNotFoundError(BackendResponseError):
    pass


class BackendRefusalError(BackendResponseError):
    """The backend refused a request on purpose (insufficient balance, already active...).
    Not a failure of the backend: `reason` is its TMF error `code`, for the caller to map
    into a typed result."""

    def __init__(self, backend: str, message: str, status: int, reason: str) -> None:
        super().__init__(backend, message, status)
        self.reason = reason
