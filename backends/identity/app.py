"""The demo identity provider's HTTP app (aiohttp.web).

- `GET /.well-known/openid-configuration`, `GET /.well-known/jwks.json`: discovery and keys;
- `GET /authorize?redirect_uri=&state=`: the login form; `POST /authorize` checks the
  agent's password and sends the browser back to `redirect_uri` (one of the allowed ones
  only) with `#access_token=...&state=...`;
- `POST /token` (`grant_type=password`, `username`, `password`): a token as JSON, for curl;
- `POST /admin/rotate`: a new signing key, the old one still published (a rotation).

A demo, not an identity provider: fixed agents, one password each, no refresh tokens.
"""

from __future__ import annotations

import html
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

AUDIENCE = "telecom-gateway-console"
TOKEN_TTL = 8 * 3600  # a shift


@dataclass(frozen=True)
class DemoAgent:
    name: str
    roles: tuple[str, ...]
    password: str = "demo"  # noqa: S105 -- the demo's password, printed in its banner


DEMO_AGENTS = {
    "olga": DemoAgent("Ольга Смирнова", ("agent",)),
    "ivan": DemoAgent("Иван Петров", ("agent",)),
    "lead": DemoAgent("Анна Кузнецова", ("agent", "supervisor")),
}


@dataclass
class IdentityState:
    issuer: str
    redirect_uris: frozenset[str]
    keys: dict[str, ec.EllipticCurvePrivateKey] = field(default_factory=dict)
    current: str = ""

    def rotate(self) -> str:
        kid = f"demo-{secrets.token_hex(4)}"
        self.keys[kid] = ec.generate_private_key(ec.SECP256R1())
        self.current = kid
        return kid

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, key in self.keys.items():
            jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
            keys.append({**jwk, "kid": kid, "alg": "ES256", "use": "sig"})
        return {"keys": keys}

    def token(self, username: str) -> str:
        agent = DEMO_AGENTS[username]
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": f"{username}@demo",
            "preferred_username": username,
            "name": agent.name,
            "roles": list(agent.roles),
            "iat": now,
            "exp": now + TOKEN_TTL,
        }
        key = self.keys[self.current]
        return jwt.encode(claims, key, algorithm="ES256", headers={"kid": self.current})


_STATE = web.AppKey("identity", IdentityState)


def _agent(username: str, password: str) -> bool:
    agent = DEMO_AGENTS.get(username)
    return agent is not None and secrets.compare_digest(agent.password, password)


def _form(redirect_uri: str, state: str, error: str = "") -> str:
    agents = ", ".join(f"{u} ({'/'.join(a.roles)})" for u, a in DEMO_AGENTS.items())
    problem = f'<p role="alert">{html.escape(error)}</p>' if error else ""
    return f"""<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Вход для сотрудников / Staff sign-in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"></head>
<body><main><h1>Вход для сотрудников / Staff sign-in</h1>{problem}
<form method="post" action="/authorize">
<input type="hidden" name="redirect_uri" value="{html.escape(redirect_uri)}">
<input type="hidden" name="state" value="{html.escape(state)}">
<label>Логин / Login <input name="username" autocomplete="username" required></label>
<label>Пароль / Password <input name="password" type="password"
  autocomplete="current-password" required></label>
<button type="submit">Войти / Sign in</button>
</form><p>Demo: {html.escape(agents)}; password <code>demo</code>.</p></main></body></html>"""


def _allowed(state: IdentityState, redirect_uri: str) -> str:
    if redirect_uri not in state.redirect_uris:
        raise web.HTTPBadRequest(text="redirect_uri is not one of this client's")
    return redirect_uri


async def _discovery(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    return web.json_response(
        {
            "issuer": state.issuer,
            "jwks_uri": f"{state.issuer}/.well-known/jwks.json",
            "authorization_endpoint": f"{state.issuer}/authorize",
            "token_endpoint": f"{state.issuer}/token",
            "response_types_supported": ["token"],
            "id_token_signing_alg_values_supported": ["ES256"],
        }
    )


async def _jwks(request: web.Request) -> web.Response:
    return web.json_response(request.app[_STATE].jwks())


async def _login_form(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    redirect_uri = _allowed(state, request.query.get("redirect_uri", ""))
    page = _form(redirect_uri, request.query.get("state", ""))
    return web.Response(text=page, content_type="text/html")


async def _log_in(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    form = await request.post()
    redirect_uri = _allowed(state, str(form.get("redirect_uri", "")))
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    client_state = str(form.get("state", ""))
    if not _agent(username, password):
        page = _form(redirect_uri, client_state, "Неверный логин или пароль / Wrong login")
        return web.Response(text=page, content_type="text/html", status=401)
    fragment = urlencode(
        {
            "access_token": state.token(username),
            "token_type": "Bearer",
            "expires_in": TOKEN_TTL,
            "state": client_state,
        }
    )
    raise web.HTTPSeeOther(f"{redirect_uri}#{fragment}")


async def _token(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    form = await request.post()
    if form.get("grant_type") != "password":
        return web.json_response({"error": "unsupported_grant_type"}, status=400)
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    if not _agent(username, password):
        return web.json_response({"error": "invalid_grant"}, status=400)
    return web.json_response(
        {"access_token": state.token(username), "token_type": "Bearer", "expires_in": TOKEN_TTL}
    )


async def _rotate(request: web.Request) -> web.Response:
    return web.json_response({"kid": request.app[_STATE].rotate()})


def create_app(issuer: str, redirect_uris: frozenset[str]) -> web.Application:
    """`issuer` is the provider's own base URL (tokens' `iss`, where the JWKS is)."""
    state = IdentityState(issuer.rstrip("/"), redirect_uris)
    state.rotate()
    app = web.Application()
    app[_STATE] = state
    app.router.add_get("/.well-known/openid-configuration", _discovery)
    app.router.add_get("/.well-known/jwks.json", _jwks)
    app.router.add_get("/authorize", _login_form)
    app.router.add_post("/authorize", _log_in)
    app.router.add_post("/token", _token)
    app.router.add_post("/admin/rotate", _rotate)
    return app


@dataclass
class RunningIdentityProvider:
    url: str
    state: IdentityState
    runner: web.AppRunner

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_identity_provider(
    host: str, redirect_uris: frozenset[str], port: int = 0
) -> RunningIdentityProvider:
    """Serve the provider on `host` (a free port unless given), in the running loop."""
    app = create_app("http://unbound", redirect_uris)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound = runner.addresses[0][1]
    url = f"http://{host}:{bound}"
    # The issuer is the provider's own address, known once it listens.
    app[_STATE].issuer = url
    return RunningIdentityProvider(url, app[_STATE], runner)
