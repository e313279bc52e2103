"""The saga log: kept in the store that holds idempotency claims (Redis, or memory for a
one-process demo), so whatever survives a restart of the gateway survives it too."""

from __future__ import annotations

from typing import Protocol


class SagaLog(Protocol):
    async def create(self, saga_id: str, record: bytes) -> bool:
        """Write a new saga's first record; False when the saga exists already."""
        ...

    async def load(self, saga_id: str) -> bytes | None: ...

    async def save(self, saga_id: str, record: bytes, *, finished: bool, keep: float) -> None:
        """Replace the record; a finished saga leaves the open index and is kept `keep`
        seconds (for a client's retry to read its outcome)."""
        ...

    async def open_ids(self, limit: int) -> list[str]:
        """Sagas not finished, oldest first."""
        ...

    async def lease(self, saga_id: str, owner: str, ttl: float) -> bool:
        """Take the saga for `ttl` seconds, or extend `owner`'s own lease; False when
        another owner holds it."""
        ...

    async def release(self, saga_id: str, owner: str) -> None: ...
