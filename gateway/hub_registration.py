"""Registering this gateway's listener (`/listener/<backend>`) at every backend's TM Forum
hub, so that the backends POST their events to it."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from adapters.events.hubs import register_hub
from adapters.http import BackendClient

log = logging.getLogger(__name__)


async def register_hubs(
    clients: Mapping[str, BackendClient], callback_base: str
) -> dict[str, str | None]:
    """The hub's id of each registration, by backend."""
    found: dict[str, str | None] = {}
    for name, client in clients.items():
        found[name] = await register_hub(client, callback_base)
        if found[name] is not None:
            log.info("registered at the %s hub", name)
    return found
