"""OCS's hub: listeners registered at ``/balanceManagement/v1/hub`` and the notifications
POSTed to them when a bucket is created or deleted, as the captured system does
(tests/ocs/captures/hub_*, /work/shared/ocs/README.md "Hub (notifications)").

- A notification carries the ``Authorization`` header the hub was registered with (OCS
  signs nothing), ``accept``/``content-type: application/json`` and the body
  ``{"eventId","eventTime" (no zone),"eventType","event": <the bucket>}``.
- Delivery starts at once, after the answer to the change, and each hub gets its own.
- A delivery that fails drops the hub, silently: recorded for a callback that cannot be
  reached; a callback that answers with an error status is treated the same way here
  (not recorded).
- balanceAdjustment sends nothing (recorded); the simulator has no balanceAdjustment.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
import orjson

from backends.ocs.timestamps import format_ocs_timestamp

log = logging.getLogger(__name__)

CREATED = "BucketBalanceCreationNotification"
DELETED = "BucketBalanceDeletionEvent"
DELIVERY_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Hub:
    id: str
    callback: str
    authorization: str | None


class Hubs:
    def __init__(self) -> None:
        self._hubs: dict[str, Hub] = {}
        self._ids = itertools.count(1)
        self._session: aiohttp.ClientSession | None = None
        self._deliveries: set[asyncio.Task[None]] = set()

    def register(self, callback: str, authorization: str | None, now: datetime) -> Hub:
        # Ids look like the captured ones (a millisecond time and a sequence).
        hub_id = f"{int(now.timestamp() * 1000)}{next(self._ids):04d}"
        hub = self._hubs[hub_id] = Hub(hub_id, callback, authorization)
        return hub

    def all(self) -> list[Hub]:
        return list(self._hubs.values())

    def remove(self, hub_id: str) -> bool:
        return self._hubs.pop(hub_id, None) is not None

    def notify(self, event_type: str, bucket: dict[str, Any], now: datetime) -> None:
        """Starts one delivery per registered hub; returns at once."""
        event_id = f"{int(now.timestamp() * 1000)}{next(self._ids):04d}"
        body = orjson.dumps(
            {
                "eventId": event_id,
                "eventTime": format_ocs_timestamp(now),
                "eventType": event_type,
                "event": bucket,
            }
        )
        for hub in self.all():
            task = asyncio.get_running_loop().create_task(self._deliver(hub, body))
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)

    async def _deliver(self, hub: Hub, body: bytes) -> None:
        headers = {"content-type": "application/json", "accept": "application/json"}
        if hub.authorization is not None:
            headers["authorization"] = hub.authorization
        try:
            if self._session is None:
                self._session = aiohttp.ClientSession()
            async with self._session.post(
                hub.callback,
                data=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT),
            ) as answer:
                await answer.read()
                failed = answer.status >= 300
        except (aiohttp.ClientError, TimeoutError):
            failed = True
        if failed:
            log.info("hub %s dropped: delivery to %s failed", hub.id, hub.callback)
            self.remove(hub.id)

    async def close(self) -> None:
        for task in list(self._deliveries):
            task.cancel()
        await asyncio.gather(*self._deliveries, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
