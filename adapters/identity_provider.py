"""The company identity provider's signing keys (its JWKS), fetched over HTTP and kept.

Agents' tokens are signed by the provider, not by the gateway; the gateway only needs the
provider's public keys. They are fetched when a token names a key (`kid`) not known yet
(the provider rotated), and again when they are older than `max_age` (a key the provider
withdrew stops working). At most one fetch is in flight: every request waiting for a key
awaits the same one. A failed fetch keeps the keys already known in force; a token signed
with a key not known then is refused as "the provider cannot be reached", not as invalid.
Unknown `kid`s refetch at most once per `refetch_after` seconds, so garbage tokens cannot
make the gateway hammer the provider.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import jwt

from adapters.clock import Clock

log = logging.getLogger(__name__)


class ProviderKeys:
    def __init__(
        self,
        url: str,
        clock: Clock,
        *,
        max_age: float,
        refetch_after: float = 10.0,
        timeout: float = 3.0,
    ) -> None:
        self._url = url
        self._clock = clock
        self._max_age = max_age
        self._refetch_after = refetch_after
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None  # monotonic, of the last successful fetch
        self._tried_at: float | None = None  # monotonic, of the last attempt
        self._failing = False
        self._fetch: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def failing(self) -> bool:
        """The last fetch failed (the keys known before it are still in force)."""
        return self._failing

    def key(self, kid: str) -> jwt.PyJWK | None:
        return self._keys.get(kid)

    async def ensure(self, kid: str) -> None:
        """Fetch the keys when `kid` is unknown (and the last attempt is not too recent) or
        when the known ones are old. Never raises: a failure leaves the known keys."""
        now = self._clock.monotonic()
        stale = self._fetched_at is None or now - self._fetched_at >= self._max_age
        unknown = kid not in self._keys
        recently_tried = self._tried_at is not None and now - self._tried_at < self._refetch_after
        if self._fetch is None and (stale or unknown) and not recently_tried:
            self._fetch = asyncio.create_task(self._refresh())
            self._fetch.add_done_callback(self._fetched)
        if self._fetch is not None and (unknown or self._fetched_at is None):
            # A waiter cancelled (its request ended) must not cancel the shared fetch.
            await asyncio.shield(self._fetch)

    def _fetched(self, task: asyncio.Task[None]) -> None:
        if self._fetch is task:
            self._fetch = None

    async def _refresh(self) -> None:
        self._tried_at = self._clock.monotonic()
        try:
            if self._session is None:
                self._session = aiohttp.ClientSession(timeout=self._timeout)
            async with self._session.get(self._url) as response:
                response.raise_for_status()
                document = await response.json(content_type=None)
            keys = jwt.PyJWKSet.from_dict(document).keys
        # Any failure of the provider (down, slow, garbage) leaves the known keys in force.
        except Exception as exc:
            self._failing = True
            log.warning(
                "identity provider keys not fetched: %s (%d known keys stay in force)",
                exc,
                len(self._keys),
            )
            return
        self._keys = {key.key_id: key for key in keys if key.key_id}
        self._fetched_at = self._clock.monotonic()
        self._failing = False

    async def close(self) -> None:
        if self._fetch is not None:
            self._fetch.cancel()
        if self._session is not None:
            await self._session.close()
