"""A TMF hub listener for tests: a small aiohttp server on loopback that keeps every
event posted to it, with whether its signature is valid, and lets a test await the one
it expects (no sleeping: the handler sets an asyncio.Event)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from backends.kit.signature import SIGNATURE_HEADER, verify

WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class Received:
    body: dict[str, Any]
    signature: str | None
    signed_correctly: bool

    @property
    def event_type(self) -> str:
        return str(self.body["eventType"])

    @property
    def event(self) -> dict[str, Any]:
        event: dict[str, Any] = self.body["event"]
        return event


class EventListener:
    def __init__(self, secret: str) -> None:
        self._secret = secret
        self.received: list[Received] = []
        self._arrived = asyncio.Event()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        signature = request.headers.get(SIGNATURE_HEADER)
        self.received.append(
            Received(orjson.loads(raw), signature, verify(self._secret, raw, signature))
        )
        self._arrived.set()
        return web.Response(status=204)

    async def wait_for(
        self, predicate: Callable[[Received], bool], seconds: float = WAIT_SECONDS
    ) -> Received:
        """The first event received that matches, waiting for it if need be."""

        async def first_match() -> Received:
            while True:
                for received in self.received:
                    if predicate(received):
                        return received
                # Nothing runs between the scan and the clear: no event is missed.
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(first_match(), seconds)

    def of_type(self, event_type: str) -> list[Received]:
        return [r for r in self.received if r.event_type == event_type]


@asynccontextmanager
async def listening(secret: str) -> AsyncIterator[EventListener]:
    listener = EventListener(secret)
    app = web.Application()
    app.router.add_post("/events", listener.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        listener.url = f"http://{host}:{port}/events"
        yield listener
    finally:
        await runner.cleanup()
