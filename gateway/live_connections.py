"""What one principal may hold open on the live transports, and how long a socket may stay
anonymous.

- **Per principal**, per process: at most `TGW_WS_CONNECTIONS_PER_PRINCIPAL` WebSocket
  connections (past it, close 4403) and `TGW_SSE_STREAMS_PER_PRINCIPAL` server-sent
  event streams (past it, 429 `TOO_MANY_CONNECTIONS`). Two caps, because a socket
  carries up to `TGW_SUBSCRIPTIONS_PER_CONNECTION` subscriptions and a stream one.
- **Before `connection_init`**: a WebSocket that has not authenticated within
  `TGW_WS_INIT_TIMEOUT` is closed with 4408, on both protocols: strawberry enforces it
  for graphql-transport-ws (given the same setting); `init_deadline` does for the legacy
  graphql-ws, which would otherwise wait forever.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from resolvers.context import Context
from resolvers.principals import SubscriberPrincipal

INIT_TIMEOUT = 4408  # graphql-transport-ws's "Connection initialisation timeout"


class LiveConnections:
    """Connections held per principal, up to a cap; a name with none held is forgotten."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._held: Counter[str] = Counter()

    def open(self, who: str) -> bool:
        if self._held[who] >= self.limit:
            return False
        self._held[who] += 1
        return True

    def close(self, who: str) -> None:
        self._held[who] -= 1
        if self._held[who] <= 0:
            del self._held[who]

    def held(self, who: str) -> int:
        return self._held.get(who, 0)


def principal_key(principal: object) -> str:
    if isinstance(principal, SubscriberPrincipal):
        return f"subscriber:{principal.msisdn}"
    return f"agent:{getattr(principal, 'name', '')}"


class HeldStream(StreamingResponse):
    """A streaming answer that gives its principal's slot back however it ends (finished,
    the client gone, the server stopping)."""

    def __init__(self, *args: Any, release: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._release = release

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._release()


_closing: set[asyncio.Task[None]] = set()


def close_soon(context: Context, code: int, reason: str) -> None:
    """Close the context's connection from a timer (which cannot await)."""
    if context.close_connection is not None:
        task = asyncio.ensure_future(context.close_connection(code, reason))
        # Held until done: an unreferenced task may be collected mid-flight.
        _closing.add(task)
        task.add_done_callback(_closing.discard)


def init_deadline(context: Context, seconds: float) -> asyncio.TimerHandle:
    """Close the socket with 4408 unless `connection_init` has authenticated it in time."""

    def overdue() -> None:
        if context.principal is None:
            close_soon(context, INIT_TIMEOUT, "Connection initialisation timeout")

    return asyncio.get_running_loop().call_later(seconds, overdue)
