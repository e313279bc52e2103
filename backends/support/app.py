"""The support system's ``create_app``: the TMF683 and TMF621 routes, the seeded
conversations and the hub that announces every conversation, note and ticket."""

from __future__ import annotations

from aiohttp import web

from backends.config import ServiceConfig
from backends.kit.hub import attach_hub
from backends.kit.service import create_service_app
from backends.support import interaction_routes, ticket_routes
from backends.support.keys import SUPPORT
from backends.support.openapi import OPENAPI
from backends.support.resources import PARTY_INTERACTION
from backends.support.seed import seed
from backends.support.state import SupportState

DEFAULT_PORT = 8105


def create_app(config: ServiceConfig) -> web.Application:
    app = create_service_app(
        "support", [*interaction_routes.routes, *ticket_routes.routes], OPENAPI, config.faults
    )
    state = SupportState(config.build_world())
    seed(state)
    app[SUPPORT] = state
    # One hub for both APIs: a support desk listens to conversations and tickets alike
    # (filter with query "eventType=..."); the kit serves one hub per service.
    attach_hub(app, PARTY_INTERACTION, config.hub_secret)
    return app
