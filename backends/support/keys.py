"""Where the support system's route modules find its state on the application."""

from __future__ import annotations

from aiohttp import web

from backends.support.state import SupportState

SUPPORT = web.AppKey("support", SupportState)
