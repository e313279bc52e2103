"""What the app's lifespan builds once and every route reads: the typed state of a running
gateway, and the one way a route gets at it (`running(request)`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Only for the annotations: the routes that read the state are these modules' users.
    from adapters.events.claims import EventClaims
    from gateway.edge import Edge
    from gateway.live import LiveView
    from gateway.runtime import Runtime


@dataclass(frozen=True, slots=True)
class Running:
    runtime: Runtime
    edge: Edge
    live: LiveView
    seen_events: EventClaims


def running(app: Any) -> Running:
    """The state of the app (a Starlette, or what `request.app` / `scope["app"]` is)."""
    state: Running = app.state.running
    return state
