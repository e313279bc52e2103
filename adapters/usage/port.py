"""The usage store as the gateway sees it: counts go in in batches (a flush of one
process's window), and come out per coordinate for the commands that answer who uses it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Client:
    """Who sent an operation, as it names itself; ("", "") is the anonymous client."""

    name: str
    version: str

    @property
    def label(self) -> str:
        if not self.name and not self.version:
            return "(anonymous)"
        return f"{self.name or '(unnamed)'} {self.version}".rstrip()


@dataclass(frozen=True, slots=True)
class ClientUsage:
    """One client's use of one coordinate over the days asked for."""

    client: Client
    count: int
    last_seen: datetime | None


class UsageStore(Protocol):
    async def add(
        self, day: date, counts: Mapping[tuple[str, Client], int], seen_at: datetime
    ) -> None:
        """Add one window's counts ((coordinate, client) -> uses) to `day`, and mark each
        pair as seen at `seen_at`."""
        ...

    async def read(self, coordinate: str, days: Sequence[date]) -> list[ClientUsage]:
        """Each client's uses of the coordinate on those days, most uses first."""
        ...
