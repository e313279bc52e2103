"""Where the page's files are, and the two routes that serve them.

The page learns whether it runs in the demo (and where the demo's SMS inbox is) from
`/web-config.json`, so the same static files serve the demo and production unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

_STATIC = Path(__file__).parent / "static"


def static_directory() -> Path:
    """The folder holding index.html, css/ and js/ (shipped as package data)."""
    return _STATIC


@dataclass(frozen=True, slots=True)
class AgentSignIn:
    """Where the agents' console signs in: authorization code with PKCE at the company's
    identity provider (`authorize`), the code exchanged from the page (`token`)."""

    authorize: str
    token: str
    client_id: str

    @classmethod
    def of(cls, authorize: str | None, token: str | None, client_id: str) -> AgentSignIn | None:
        if not authorize:
            return None
        # A provider's token endpoint is most often beside its authorization endpoint.
        return cls(authorize, token or authorize.rsplit("/", 1)[0] + "/token", client_id)

    @property
    def token_origin(self) -> str:
        parts = urlsplit(self.token)
        return f"{parts.scheme}://{parts.netloc}"


def web_config(
    *,
    demo: bool,
    sms_inbox: str | None,
    top_up: tuple[Decimal, Decimal] | None = None,
    agent_sign_in: AgentSignIn | None = None,
) -> dict[str, Any]:
    """What `/web-config.json` answers.

    `smsInbox` is a URL that ends where an url-encoded MSISDN is appended
    (`http://127.0.0.1:8103/admin/messages?msisdn=`); it is shown only in the demo,
    since a real operator's SMS gateway has no inbox to read. `topUp` is the range of a
    top-up (`TGW_TOP_UP_MIN`..`TGW_TOP_UP_MAX`), which the page states and checks.
    """
    config: dict[str, Any] = {"demo": demo}
    if demo and sms_inbox:
        config["smsInbox"] = sms_inbox
    if top_up is not None:
        config["topUp"] = {"min": str(top_up[0]), "max": str(top_up[1])}
    if agent_sign_in is not None:
        # The agents' console (/agent/) sends agents there to sign in.
        config["agentSignIn"] = agent_sign_in.authorize
        config["agentToken"] = agent_sign_in.token
        config["agentClientId"] = agent_sign_in.client_id
    return config


def console_page(agent_sign_in: AgentSignIn | None) -> str:
    """The console's page, its CSP letting it reach the provider's token endpoint (and
    nothing else beyond its own origin): the code exchange is the page's own request."""
    page = (_STATIC / "agent" / "index.html").read_text(encoding="utf-8")
    if agent_sign_in is None:
        return page
    return page.replace(
        "connect-src 'self';", f"connect-src 'self' {agent_sign_in.token_origin};", 1
    )


def web_routes(
    *,
    demo: bool = False,
    sms_inbox: str | None = None,
    top_up: tuple[Decimal, Decimal] | None = None,
    agent_sign_in: AgentSignIn | None = None,
) -> list[BaseRoute]:
    """`/web-config.json`, the agents' console's page at `/agent/` (its CSP naming the
    provider's token endpoint), and the page at `/` (the console's modules under
    `/agent/`). Append them after every other route, in this order: the mount at `/`
    answers whatever path nothing before it took."""
    config = web_config(demo=demo, sms_inbox=sms_inbox, top_up=top_up, agent_sign_in=agent_sign_in)

    async def config_endpoint(request: Request) -> JSONResponse:
        # Read once per page load; never cached, so a restarted demo's new inbox port shows.
        return JSONResponse(config, headers={"cache-control": "no-store"})

    console = console_page(agent_sign_in)

    async def console_endpoint(request: Request) -> HTMLResponse:
        return HTMLResponse(console, headers={"cache-control": "no-store"})

    return [
        Route("/web-config.json", config_endpoint, methods=["GET"]),
        Route("/agent/", console_endpoint, methods=["GET", "HEAD"]),
        Route("/agent/index.html", console_endpoint, methods=["GET", "HEAD"]),
        Mount("/", app=StaticFiles(directory=static_directory(), html=True), name="web"),
    ]
