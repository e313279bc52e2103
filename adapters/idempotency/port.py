"""The idempotency store. A key is claimed before the change runs and holds its result
after, so a retried or duplicated request (another process, a network retry, a double
tap) gets the first result instead of a second change."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol


class ClaimState(Enum):
    CLAIMED = "claimed"  # ours: run the change, then finish() or release()
    DONE = "done"  # ran before: `result` is its result
    RUNNING = "running"  # someone else is running it right now
    CONFLICT = "conflict"  # the key was used for a different input


@dataclass(frozen=True, slots=True)
class Claim:
    state: ClaimState
    result: bytes | None = None


class IdempotencyStore(Protocol):
    async def claim(self, key: str, fingerprint: str, running_ttl: float) -> Claim: ...

    async def finish(self, key: str, result: bytes, keep: float) -> None: ...

    async def release(self, key: str) -> None:
        """Give a claimed key up (the change did not happen), so that a retry may run."""
        ...
