"""Driving the simulated backends' admin routes over HTTP: faults and request counters."""

from __future__ import annotations

from typing import Any

import aiohttp

# What every simulator's faults are back to between tests.
NO_FAULTS: dict[str, Any] = {
    "latency_ms": 0,
    "jitter_ms": 0,
    "error_rate": 0.0,
    "hang": False,
    "down": False,
    "lose_answer": False,
    "refuse_path": "",
    "hang_path": "",
}


class BackendAdmin:
    def __init__(self, name: str, url: str, session: aiohttp.ClientSession) -> None:
        self.name = name
        self.url = url
        self._session = session

    async def counts(self) -> dict[str, int]:
        async with self._session.get(f"{self.url}/admin/requests") as response:
            data: dict[str, int] = await response.json()
            return data

    async def count(self, route_suffix: str) -> int:
        """Requests to the one route whose pattern ends with `route_suffix`."""
        counts = await self.counts()
        matches = [n for route, n in counts.items() if route.endswith(route_suffix)]
        return sum(matches)

    async def reset(self) -> None:
        async with self._session.delete(f"{self.url}/admin/requests") as response:
            response.raise_for_status()

    async def faults(self, **faults: Any) -> None:
        async with self._session.put(f"{self.url}/admin/faults", json=faults) as response:
            response.raise_for_status()

    async def clear_faults(self) -> None:
        await self.faults(**NO_FAULTS)
