"""Calls from one simulator to another (billing -> SMS for statement e-mails,
provisioning -> billing for charges and quotas), by base URL, like any other client.

The URLs come from a mapping that is read at call time: the runner starts the services
one by one on free ports and fills it once all of them listen. Every call carries an
idempotency key, so a step that is retried never charges twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from backends.kit.idempotency import IDEMPOTENCY_HEADER

PEER_TIMEOUT_SECONDS = 5.0


class PeerUnavailableError(Exception):
    """The peer is not configured, did not answer, or failed (5xx)."""


@dataclass(frozen=True, slots=True)
class PeerAnswer:
    status: int
    body: Any


class PeerClient:
    def __init__(
        self,
        name: str,
        urls: Mapping[str, str],
        timeout_seconds: float = PEER_TIMEOUT_SECONDS,
    ) -> None:
        self.name = name
        self._urls = urls
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    async def post(self, path: str, body: dict[str, Any], idempotency_key: str) -> PeerAnswer:
        """POST ``body``; any answer below 500 is returned for the caller to judge."""
        base = self._urls.get(self.name)
        if not base:
            raise PeerUnavailableError(f"no {self.name} URL is configured")
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.post(
                f"{base.rstrip('/')}{path}",
                json=body,
                headers={IDEMPOTENCY_HEADER: idempotency_key},
            ) as response:
                payload = (
                    await response.json() if response.content_type == "application/json" else None
                )
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PeerUnavailableError(f"{self.name} did not answer: {exc!r}") from None
        if response.status >= 500:
            raise PeerUnavailableError(f"{self.name} failed with {response.status}")
        return PeerAnswer(response.status, payload)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def attach_peer(app: web.Application, key: web.AppKey[PeerClient], client: PeerClient) -> None:
    """Store ``client`` on ``app`` and close its connections when the app stops."""
    app[key] = client

    async def close(app: web.Application) -> None:
        await client.close()

    app.on_cleanup.append(close)
