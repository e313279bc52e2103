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

    async def claim(self, key: str, ttl: float) -> bool:
        """Store a marker under `key` for `ttl` seconds unless one is there: True when
        this caller got it (a lease: one refresh of an entry across processes)."""
        ...

    async def replace(self, key: str, expected: bytes, value: bytes, ttl: float) -> bool:
        """Store `value` for `ttl` seconds only if `key` still holds `expected`, in one
        step: a refresh that read an entry must not write over a change that dropped it
        (or over another refresh) meanwhile."""
        ...

    async def close(self) -> None: ...
