"""`create_app(settings)`: the starlette application, its routes and its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from strawberry.http.ides import get_graphql_ide_html

from adapters.clock import Clock
from gateway import heap
from gateway.edge import build_edge
from gateway.endpoint import graphql
from gateway.health import healthz, metrics, readyz
from gateway.lifespan import Running
from gateway.listener import event_claims, listener
from gateway.live import LiveView, sse, websocket_endpoint
from gateway.ocs_listener import ocs_listener
from gateway.runtime import start_runtime
from gateway.scrape import ON_API_PORT
from gateway.settings import Settings
from gateway.web.assets import AgentSignIn, web_routes


def create_app(
    settings: Settings, clock: Clock | None = None, secret: str | None = None
) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime = await start_runtime(settings, clock, secret)
        edge = build_edge(runtime)
        app.state.running = Running(runtime, edge, LiveView(runtime, edge), event_claims(runtime))
        thresholds = heap.settle(settings.gc_young_threshold)
        try:
            yield
        finally:
            heap.unsettle(thresholds)
            await runtime.close()

    async def graphql_get(request: Request) -> Response:
        if (
            settings.graphiql
            and "text/html" in request.headers.get("accept", "")
            and not request.query_params
        ):
            return HTMLResponse(get_graphql_ide_html("graphiql"))
        return await graphql(request)

    middleware = []
    if settings.cors_origins:
        # Tokens travel in the Authorization header, never in cookies: no credentials.
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=[
                    "authorization",
                    "content-type",
                    "idempotency-key",
                    "x-request-id",
                    "apollographql-client-name",
                    "apollographql-client-version",
                ],
                expose_headers=["x-request-id", "retry-after"],
                max_age=600,
            )
        )
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["POST"]),
        Route("/graphql", graphql_get, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        WebSocketRoute("/graphql", websocket_endpoint),
        Route("/graphql/stream", sse, methods=["POST"]),
        Route("/listener/{backend}", listener, methods=["POST"]),
        Route("/listener/billing-ocs/{token}", ocs_listener, methods=["POST"]),
    ]
    if settings.metrics_listen == ON_API_PORT:
        routes.append(Route("/metrics", metrics, methods=["GET"]))
    if settings.web:
        # Last: the page is mounted at "/", which would catch every path before it.
        routes += web_routes(
            demo=settings.web_demo,
            sms_inbox=settings.web_sms_inbox,
            top_up=(settings.top_up_min, settings.top_up_max),
            agent_sign_in=AgentSignIn.of(
                settings.agent_sign_in_url, settings.agent_token_url, settings.agent_client_id
            ),
        )
    return Starlette(middleware=middleware, routes=routes, lifespan=lifespan)
