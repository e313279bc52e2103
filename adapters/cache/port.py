"""The cache as the cached adapters see it: bytes under string keys, batch-shaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class Cache(Protocol):
    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """Values in the order of `keys`; None where missing or expired."""
        ...

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        """Store each item for `ttl` seconds."""
        ...

    async def delete_many(self, keys: Sequence[str]) -> None: ...

    async def close(self) -> None: ...
