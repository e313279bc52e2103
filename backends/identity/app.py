"""The demo identity provider's HTTP app (aiohttp.web).

- `GET /.well-known/openid-configuration`, `GET /.well-known/jwks.json`: discovery and keys;
- `GET /authorize?response_type=code&client_id=&redirect_uri=&state=&code_challenge=
  &code_challenge_method=S256`: the login form (authorization code with PKCE, RFC 7636;
  the implicit flow is gone, as OAuth 2.0 Security BCP / OAuth 2.1 say); `POST /authorize`
  checks the agent's password and sends the browser back to `redirect_uri` with
  `?code=...&state=...`: a code that lives `CODE_TTL` seconds, is good for one exchange,
  and is bound to the challenge, the client and the redirect URI;
- `POST /token`: `grant_type=authorization_code` (`code`, `code_verifier`,
  `redirect_uri`, `client_id`) exchanges a code for a token; `grant_type=password`
  (`username`, `password`) gives one directly, for curl. Answered with CORS headers to
  the registered redirect URIs' origins: the console exchanges its code from the page;
- `POST /admin/rotate`: a new signing key, the old one still published (a rotation).

The refusals are RFC 6749's: a bad or unregistered `redirect_uri` or `client_id` is a
400 page (the browser is never sent to a stranger); other problems with the request go
back to the console as `?error=invalid_request&state=...`; `/token` answers
`{"error": "invalid_grant"}` for a wrong verifier, a used, expired or unknown code, or a
code issued for another client or redirect URI.

A demo, not an identity provider: one client, fixed agents, one password each, no
refresh tokens.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

AUDIENCE = "telecom-gateway-console"
# The console is the one client, a public one (a page: no secret, PKCE instead).
CLIENT_ID = AUDIENCE
TOKEN_TTL = 8 * 3600  # a shift
CODE_TTL = 60  # seconds from the redirect to the exchange: a browser's hop, not more
# RFC 7636: a verifier is 43-128 unreserved characters; an S256 challenge is 43 base64url.
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
_CHALLENGE = re.compile(r"[A-Za-z0-9\-_]{43}")


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


@dataclass(frozen=True)
class IssuedCode:
    """What a code was issued for; the exchange must match all of it."""

    username: str
    client_id: str
    redirect_uri: str
    challenge: str
    expires: float


@dataclass
class IdentityState:
    issuer: str
    redirect_uris: frozenset[str]
    keys: dict[str, ec.EllipticCurvePrivateKey] = field(default_factory=dict)
    current: str = ""
    codes: dict[str, IssuedCode] = field(default_factory=dict)
    # Seconds since the epoch; a test replaces it to let a code expire without waiting.
    now: Callable[[], float] = time.time

    def issue_code(self, username: str, client_id: str, redirect_uri: str, challenge: str) -> str:
        moment = self.now()
        # Expired codes go when the next is issued: the map stays as small as the traffic.
        self.codes = {c: i for c, i in self.codes.items() if i.expires > moment}
        code = secrets.token_urlsafe(32)
        issued = IssuedCode(username, client_id, redirect_uri, challenge, moment + CODE_TTL)
        self.codes[code] = issued
        return code

    def redeem(self, code: str, client_id: str, redirect_uri: str, verifier: str) -> str:
        """The username a code was issued to, or a ValueError saying why not. A code is
        gone after its first exchange, right or wrong (RFC 6749 4.1.2: single use)."""
        issued = self.codes.pop(code, None)
        if issued is None:
            raise ValueError("the code is unknown or was used already")
        if issued.expires <= self.now():
            raise ValueError("the code has expired")
        if issued.client_id != client_id or issued.redirect_uri != redirect_uri:
            raise ValueError("the code was issued to another client or redirect_uri")
        if not _VERIFIER.fullmatch(verifier):
            raise ValueError("code_verifier must be 43-128 unreserved characters")
        if not secrets.compare_digest(s256(verifier), issued.challenge):
            raise ValueError("code_verifier does not match the code_challenge")
        return issued.username

    def origins(self) -> frozenset[str]:
        """Where the registered redirect URIs live: the pages allowed to call /token."""
        found = set()
        for uri in self.redirect_uris:
            parts = urlsplit(uri)
            found.add(f"{parts.scheme}://{parts.netloc}")
        return frozenset(found)

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
        now = int(self.now())
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


def s256(verifier: str) -> str:
    """RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))), unpadded."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _agent(username: str, password: str) -> bool:
    agent = DEMO_AGENTS.get(username)
    return agent is not None and secrets.compare_digest(agent.password, password)


# The authorization request's parameters, carried through the login form.
_REQUEST = ("response_type", "client_id", "redirect_uri", "state", "code_challenge")


def _form(request: dict[str, str], error: str = "") -> str:
    agents = ", ".join(f"{u} ({'/'.join(a.roles)})" for u, a in DEMO_AGENTS.items())
    problem = f'<p role="alert">{html.escape(error)}</p>' if error else ""
    hidden = "\n".join(
        f'<input type="hidden" name="{name}" value="{html.escape(request.get(name, ""))}">'
        for name in (*_REQUEST, "code_challenge_method")
    )
    return f"""<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Вход для сотрудников / Staff sign-in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"></head>
<body><main><h1>Вход для сотрудников / Staff sign-in</h1>{problem}
<form method="post" action="/authorize">
{hidden}
<label>Логин / Login <input name="username" autocomplete="username" required></label>
<label>Пароль / Password <input name="password" type="password"
  autocomplete="current-password" required></label>
<button type="submit">Войти / Sign in</button>
</form><p>Demo: {html.escape(agents)}; password <code>demo</code>.</p></main></body></html>"""


class _RefusedError(Exception):
    """A problem with an authorization request that goes back to the client."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def _authorization_request(state: IdentityState, params: Any) -> dict[str, str]:
    """The request's parameters, checked. A bad client or redirect URI is a 400 here (the
    browser is never sent to a stranger); anything else a `_RefusedError` for the client."""
    request = {name: str(params.get(name, "")) for name in (*_REQUEST, "code_challenge_method")}
    if request["client_id"] != CLIENT_ID:
        raise web.HTTPBadRequest(text="client_id is not a client of this provider")
    if request["redirect_uri"] not in state.redirect_uris:
        raise web.HTTPBadRequest(text="redirect_uri is not one of this client's")
    if request["response_type"] != "code":
        raise _RefusedError("unsupported_response_type", "only response_type=code (with PKCE)")
    if not request["code_challenge"]:
        raise _RefusedError("invalid_request", "code_challenge is required (PKCE)")
    if request["code_challenge_method"] != "S256":
        raise _RefusedError("invalid_request", "code_challenge_method must be S256")
    if not _CHALLENGE.fullmatch(request["code_challenge"]):
        raise _RefusedError("invalid_request", "code_challenge is not an S256 challenge")
    return request


def _back(request: dict[str, str], **answer: str) -> web.HTTPSeeOther:
    query = urlencode({**answer, "state": request["state"]})
    return web.HTTPSeeOther(f"{request['redirect_uri']}?{query}")


async def _discovery(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    return web.json_response(
        {
            "issuer": state.issuer,
            "jwks_uri": f"{state.issuer}/.well-known/jwks.json",
            "authorization_endpoint": f"{state.issuer}/authorize",
            "token_endpoint": f"{state.issuer}/token",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "password"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none"],
            "id_token_signing_alg_values_supported": ["ES256"],
        }
    )


async def _jwks(request: web.Request) -> web.Response:
    return web.json_response(request.app[_STATE].jwks())


async def _login_form(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    try:
        checked = _authorization_request(state, request.query)
    except _RefusedError as refused:
        checked = {name: request.query.get(name, "") for name in ("redirect_uri", "state")}
        raise _back(checked, error=refused.error, error_description=refused.description) from None
    return web.Response(text=_form(checked), content_type="text/html")


async def _log_in(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    form = await request.post()
    try:
        checked = _authorization_request(state, form)
    except _RefusedError as refused:
        back = {name: str(form.get(name, "")) for name in ("redirect_uri", "state")}
        raise _back(back, error=refused.error, error_description=refused.description) from None
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    if not _agent(username, password):
        page = _form(checked, "Неверный логин или пароль / Wrong login")
        return web.Response(text=page, content_type="text/html", status=401)
    code = state.issue_code(
        username, checked["client_id"], checked["redirect_uri"], checked["code_challenge"]
    )
    raise _back(checked, code=code)


def _cors(request: web.Request) -> dict[str, str]:
    # The console exchanges its code from the page: its origin (a registered redirect
    # URI's) may read the answer. Nothing else, and no cookies are involved.
    origin = request.headers.get("Origin")
    if origin is None or origin not in request.app[_STATE].origins():
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "Content-Type",
        "Cache-Control": "no-store",
        "Vary": "Origin",
    }


async def _token_preflight(request: web.Request) -> web.Response:
    return web.Response(status=204, headers=_cors(request))


async def _token(request: web.Request) -> web.Response:
    state = request.app[_STATE]
    form = await request.post()
    headers = _cors(request)

    def refused(error: str, description: str) -> web.Response:
        body = {"error": error, "error_description": description}
        return web.json_response(body, status=400, headers=headers)

    grant = form.get("grant_type")
    if grant == "authorization_code":
        given = {
            name: str(form.get(name, ""))
            for name in ("code", "code_verifier", "redirect_uri", "client_id")
        }
        missing = [name for name, value in given.items() if not value]
        if missing:
            return refused("invalid_request", f"missing: {', '.join(missing)}")
        try:
            username = state.redeem(
                given["code"], given["client_id"], given["redirect_uri"], given["code_verifier"]
            )
        except ValueError as exc:
            return refused("invalid_grant", str(exc))
    elif grant == "password":
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        if not _agent(username, password):
            return refused("invalid_grant", "wrong username or password")
    else:
        return refused("unsupported_grant_type", "authorization_code or password")
    token = state.token(username)
    answer = {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_TTL}
    return web.json_response(answer, headers={**headers, "Cache-Control": "no-store"})


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
    app.router.add_route("OPTIONS", "/token", _token_preflight)
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
