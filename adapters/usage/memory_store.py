"""Field usage in process (the demo, one process): the same answers as Redis, with the
retention window applied on write."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from adapters.usage.port import Client, ClientUsage


class MemoryUsageStore:
    def __init__(self, retention_days: int) -> None:
        self._days: dict[date, dict[tuple[str, Client], int]] = {}
        self._seen: dict[tuple[str, Client], datetime] = {}
        self._retention = timedelta(days=retention_days)

    async def add(
        self, day: date, counts: Mapping[tuple[str, Client], int], seen_at: datetime
    ) -> None:
        bucket = self._days.setdefault(day, {})
        for key, uses in counts.items():
            bucket[key] = bucket.get(key, 0) + uses
            self._seen[key] = max(self._seen.get(key, seen_at), seen_at)
        oldest = day - self._retention
        for old in [d for d in self._days if d < oldest]:
            del self._days[old]
        horizon = seen_at - self._retention
        for key in [k for k, at in self._seen.items() if at < horizon]:
            del self._seen[key]

    async def read(self, coordinate: str, days: Sequence[date]) -> list[ClientUsage]:
        totals: dict[Client, int] = {}
        for day in days:
            for (seen_coordinate, client), uses in self._days.get(day, {}).items():
                if seen_coordinate == coordinate:
                    totals[client] = totals.get(client, 0) + uses
        return sorted(
            (ClientUsage(c, n, self._seen.get((coordinate, c))) for c, n in totals.items()),
            key=lambda u: (-u.count, u.client.name, u.client.version),
        )
