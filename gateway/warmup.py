"""Loading at start-up what every screen needs and no number owns (the catalog, the
partner offers), so that the first home screen does not wait on them one round trip
after another."""

from __future__ import annotations

import logging

from adapters.errors import BackendError
from resolvers.ports import Ports

log = logging.getLogger(__name__)


async def warm(ports: Ports) -> None:
    """Best effort: a backend that is down now is asked again on first use."""
    for name, load in (
        ("catalog", ports.provisioning.catalog),
        ("offers", ports.loyalty.promotions),
    ):
        try:
            await load()
        except BackendError as exc:
            log.warning("could not warm the %s: %s", name, exc)
