"""Registering the gateway's listener at each backend's TMF hub (`POST {api}/hub`)."""

from __future__ import annotations

import logging

from adapters.errors import BackendError
from adapters.http import BackendClient

log = logging.getLogger(__name__)

HUBS = {
    "billing": "/tmf-api/prepayBalanceManagement/v4/hub",
    "provisioning": "/tmf-api/productOrderingManagement/v4/hub",
    "loyalty": "/tmf-api/loyalty/v4/hub",
    "support": "/tmf-api/partyInteraction/v4/hub",
}


async def register_hub(client: BackendClient, callback_base: str) -> str | None:
    """The hub subscription's id, or None when the backend could not be reached (its
    events are then missed: caches still expire by TTL)."""
    path = HUBS[client.name]
    try:
        answer = await client.post(
            path, {"callback": f"{callback_base.rstrip('/')}/listener/{client.name}", "query": ""}
        )
    except BackendError as exc:
        log.warning("could not register at the %s hub: %s", client.name, exc)
        return None
    return str(answer["id"]) if isinstance(answer, dict) and "id" in answer else None
