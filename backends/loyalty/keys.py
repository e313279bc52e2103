"""Where loyalty's route modules find the service's state on the application."""

from __future__ import annotations

from aiohttp import web

from backends.loyalty.state import LoyaltyState

LOYALTY_STATE = web.AppKey("loyalty", LoyaltyState)
