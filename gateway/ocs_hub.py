"""The gateway's registration at SigScale OCS's own hub (``TGW_BILLING_DIALECT=sigscale-ocs``);
its notifications arrive at ``/listener/billing-ocs/<token>`` (gateway/ocs_listener.py).

OCS signs nothing, and a notification's ``Authorization`` is OCS's own credential, which
proves nothing about the sender to the gateway. The callback URL carries the gateway's own
secret instead (an HMAC of TGW_HUB_SECRET, adapters/billing/ocs/hub.py), which the listener
checks in constant time.

OCS drops a hub after the first delivery that fails, silently (recorded), so one
registration at start-up is not enough: the registration is looked at again every
``CHECK_INTERVAL`` seconds and made again when OCS no longer lists it. Registering reuses a
hub OCS still lists for this callback, so restarts do not pile up hubs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from adapters.billing.ocs.client import OcsClient
from adapters.billing.ocs.hub import callback_url, register_hub, registered_hub
from adapters.clock import Clock
from adapters.errors import BackendError
from gateway.backend_clients import BackendClients
from gateway.ports import ocs_billing
from gateway.settings import Settings

log = logging.getLogger(__name__)
CHECK_INTERVAL = 30.0  # seconds between looks at whether OCS still lists the hub
STOP_WAIT = 5.0


class OcsHub:
    def __init__(self, client: OcsClient, secret: bytes) -> None:
        self.client = client
        self.secret = secret
        self.hub_id: str | None = None
        # What /readyz shows of it; None until a registration was tried.
        self.state: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def ensure(self, base: str) -> str | None:
        """Registered at OCS's hub (again, if OCS dropped it): the hub's id, or None when
        OCS refused or could not be reached (the reason is in ``state``)."""
        callback = callback_url(base, self.secret)
        try:
            hub_id = await registered_hub(self.client, callback)
            if hub_id is None:
                if self.hub_id is not None:
                    log.warning("SigScale OCS dropped hub %s: registering again", self.hub_id)
                hub_id = await register_hub(self.client, callback)
                log.info("registered at SigScale OCS's hub as %s", hub_id)
        except BackendError as exc:
            log.error("not registered at SigScale OCS's hub: %s", exc)
            self.hub_id, self.state = None, f"not registered at SigScale OCS's hub: {exc}"
            return None
        self.hub_id, self.state = hub_id, f"registered at SigScale OCS's hub (id {hub_id})"
        return hub_id

    def keep(self, base: str, interval: float = CHECK_INTERVAL) -> None:
        """Looks again every ``interval`` seconds, for as long as the runtime lives."""
        self._task = asyncio.create_task(self._keep(base, interval), name="ocs-hub")

    async def _keep(self, base: str, interval: float) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), interval)
            if not self._stopping.is_set():
                await self.ensure(base)

    async def stop(self) -> None:
        self._stopping.set()
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=STOP_WAIT)


def build_ocs_hub(settings: Settings, clients: BackendClients, clock: Clock) -> OcsHub | None:
    """None unless billing is OCS and TGW_HUB_SECRET is set (the token needs it)."""
    if settings.billing_dialect != "sigscale-ocs" or settings.hub_secret is None:
        return None
    ocs = ocs_billing(settings, clients, clock)
    return OcsHub(ocs.client, settings.hub_secret.get_secret_value().encode())
