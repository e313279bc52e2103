"""Where the page's files are, and the two routes that serve them.

The page learns whether it runs in the demo (and where the demo's SMS inbox is) from
`/web-config.json`, so the same static files serve the demo and production unchanged.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

_STATIC = Path(__file__).parent / "static"


def static_directory() -> Path:
    """The folder holding index.html, css/ and js/ (shipped as package data)."""
    return _STATIC


def web_config(
    *,
    demo: bool,
    sms_inbox: str | None,
    top_up: tuple[Decimal, Decimal] | None = None,
    agent_sign_in: str | None = None,
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
    if agent_sign_in:
        # The agents' console (/agent/) sends agents there to sign in.
        config["agentSignIn"] = agent_sign_in
    return config


def web_routes(
    *,
    demo: bool = False,
    sms_inbox: str | None = None,
    top_up: tuple[Decimal, Decimal] | None = None,
    agent_sign_in: str | None = None,
) -> list[BaseRoute]:
    """`/web-config.json` and the page at `/` (the agents' console at `/agent/`). Append
    them after every other route: the mount at `/` answers whatever path nothing before
    it took."""
    config = web_config(demo=demo, sms_inbox=sms_inbox, top_up=top_up, agent_sign_in=agent_sign_in)

    async def config_endpoint(request: Request) -> JSONResponse:
        # Read once per page load; never cached, so a restarted demo's new inbox port shows.
        return JSONResponse(config, headers={"cache-control": "no-store"})

    return [
        Route("/web-config.json", config_endpoint, methods=["GET"]),
        Mount("/", app=StaticFiles(directory=static_directory(), html=True), name="web"),
    ]
