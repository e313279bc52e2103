"""The gateway's registration at SigScale OCS's own hub (``TGW_BILLING_DIALECT=sigscale-ocs``);
its notifications arrive at ``/listener/billing-ocs/<token>`` (gateway/ocs_listener.py).

OCS signs nothing, and a notification's ``Authorization`` is OCS's own credential, which
proves nothing about the sender to the gateway. The callback URL carries the gateway's own
secret instead (an HMAC of TGW_HUB_SECRET, adapters/billing/ocs/hub.py), which the listener
checks in constant time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from adapters.billing.ocs.billing import build_ocs_billing
from adapters.billing.ocs.client import OcsClient
from adapters.billing.ocs.hub import callback_url, register_hub
from adapters.clock import Clock
from adapters.errors import BackendError
from gateway.backend_clients import BackendClients
from gateway.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OcsHub:
    client: OcsClient
    secret: bytes

    async def register(self, base: str) -> tuple[str | None, str]:
        """(the hub's id, what /readyz says); the id is None when it failed."""
        try:
            hub_id = await register_hub(self.client, callback_url(base, self.secret))
        except BackendError as exc:
            log.error("not registered at SigScale OCS's hub: %s", exc)
            return None, f"not registered at SigScale OCS's hub: {exc}"
        log.info("registered at SigScale OCS's hub as %s", hub_id)
        return hub_id, f"registered at SigScale OCS's hub (id {hub_id})"


def build_ocs_hub(settings: Settings, clients: BackendClients, clock: Clock) -> OcsHub | None:
    """None unless billing is OCS and TGW_HUB_SECRET is set (the token needs it)."""
    if settings.billing_dialect != "sigscale-ocs" or settings.hub_secret is None:
        return None
    ocs = build_ocs_billing(
        clients.session,
        settings.billing_url,
        settings.billing_username,
        settings.billing_password.get_secret_value(),
        settings.billing_timeout,
        settings.billing_concurrency,
        clock,
        guard=clients.guard("billing"),
    )
    return OcsHub(ocs.client, settings.hub_secret.get_secret_value().encode())
