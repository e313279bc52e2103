"""The persisted-query store as the edge sees it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class PersistedQueries(Protocol):
    async def get(self, sha256: str) -> str | None:
        """A query learned by APQ or registered, by its hash."""
        ...

    async def remember(self, sha256: str, query: str) -> None:
        """Learn a query a client sent with its hash (APQ)."""
        ...

    async def registered(self, sha256: str) -> str | None:
        """A query of the allow-list, by its hash."""
        ...

    async def register(self, operations: Mapping[str, str]) -> int:
        """Add operations (hash -> query) to the allow-list; returns how many."""
        ...
