"""The ASGI entry point for `serve` (and any ASGI server): settings from the environment."""

from __future__ import annotations

from starlette.applications import Starlette

from gateway.app import create_app
from gateway.settings import Settings


def app_factory() -> Starlette:
    return create_app(Settings())
