"""A decoded OCS answer, and reading one without letting a malformed answer escape as
anything but BACKEND_ERROR with its HTTP status."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from adapters.errors import BackendResponseError


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # case-insensitive (aiohttp's CIMultiDictProxy)
    body: Any  # the decoded JSON, or None for an empty body


@contextmanager
def reading(backend: str, what: str, status: int) -> Iterator[None]:
    """Like ``adapters.tmf.parsing``, but the error keeps the status of the answer read:
    a 200 with the wrong shape is still the backend's fault, and says it was a 200."""
    try:
        yield
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackendResponseError(backend, f"unreadable {what}: {exc}", status) from exc
