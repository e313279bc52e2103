"""Registering this gateway's listener (`/listener/<backend>`) at every backend's TM Forum
hub, so that the backends POST their events to it. With SigScale OCS as billing, billing's
hub is OCS's own (gateway/ocs_hub.py), registered beside these."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from adapters.events.hubs import register_hub
from adapters.http import BackendClient

log = logging.getLogger(__name__)


async def register_hubs(
    clients: Mapping[str, BackendClient], callback_base: str, billing_dialect: str = "tmf-v4"
) -> dict[str, str | None]:
    """The hub's id of each registration, by backend; None where it failed or was not
    made. A failure is logged as one, never hidden behind "registered"."""
    found: dict[str, str | None] = {}
    for name, client in clients.items():
        if name == "billing" and billing_dialect == "sigscale-ocs":
            # OCS's hub is another API (Basic auth, unsigned notifications), registered by
            # gateway/ocs_hub.py: the v4 registration would only earn an error.
            continue
        found[name] = await register_hub(client, callback_base)
        if found[name] is None:
            log.error("hub registration at %s failed: its events will be missed", name)
        else:
            log.info("registered at the %s hub", name)
    return found


def hub_failures(found: Mapping[str, str | None]) -> dict[str, str]:
    """What /readyz shows of the registrations that failed."""
    return {
        name: "registration failed (see the log)"
        for name, hub_id in found.items()
        if hub_id is None
    }
