"""A replay server on loopback that answers recorded OCS captures and records what the
adapter sent (any app is served by tests/harness/loopback_app.py's `serving`)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from tests.ocs.captures import NO_SUCH_PATH, Capture, capture

USERNAME = "gateway"
PASSWORD = "s3cret"

Answer = Callable[[web.Request], web.Response]


@dataclass(frozen=True)
class Recorded:
    method: str
    path_qs: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Replay:
    """Answers ``"GET /path?query"`` with a capture (or a function); anything else gets
    the system's own 404 for a path it does not serve. Checks Basic auth like OCS."""

    answers: dict[str, Capture | Answer] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)

    def on(self, route: str, answer: Capture | Answer | str) -> None:
        self.answers[route] = capture(answer) if isinstance(answer, str) else answer

    def sent(self, method: str, prefix: str = "") -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path_qs.startswith(prefix)]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests.append(
            Recorded(request.method, request.path_qs, dict(request.headers), await request.read())
        )
        expected = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return web.Response(
                status=401, text="<HTML>Unauthorized</HTML>", content_type="text/html"
            )
        answer = self.answers.get(f"{request.method} {request.path_qs}")
        if answer is None:
            return capture(NO_SUCH_PATH).response()
        return answer.response() if isinstance(answer, Capture) else answer(request)
