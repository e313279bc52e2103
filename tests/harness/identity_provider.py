"""A company identity provider for the tests: a real HTTP JWKS endpoint on loopback
(aiohttp.web) whose keys the test rotates, and tokens signed with them.

It can be stopped (its port then refuses connections) and started again on the same port,
and it can hold its answers until the test lets them go, to see how many fetches a burst
of requests makes."""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from adapters.clock import Clock

ISSUER = "https://id.operator.test/realms/support"
AUDIENCE = "telecom-gateway-console"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class IdentityProvider:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.private: dict[str, tuple[str, PrivateKey]] = {}
        self.published: list[str] = []
        self.fetches = 0
        self.waiting = 0
        self.hold: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/.well-known/jwks.json"

    def new_key(self, algorithm: str = "RS256", publish: bool = True) -> str:
        kid = f"{algorithm.lower()}-{secrets.token_hex(4)}"
        key: PrivateKey = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if algorithm == "RS256"
            else ec.generate_private_key(ec.SECP256R1())
        )
        self.private[kid] = (algorithm, key)
        if publish:
            self.published.append(kid)
        return kid

    def rotate(self, keep: list[str]) -> None:
        """Publish only `keep` from now on (plus keys added later)."""
        self.published = list(keep)

    def public_jwk(self, kid: str) -> dict[str, Any]:
        algorithm, key = self.private[kid]
        jwk: dict[str, Any] = (
            RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
            if isinstance(key, rsa.RSAPrivateKey)
            else ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
        )
        return {**jwk, "kid": kid, "alg": algorithm, "use": "sig"}

    def token(
        self,
        subject: str,
        roles: list[str] | None = None,
        *,
        kid: str | None = None,
        ttl: float = 3600,
        **claims: Any,
    ) -> str:
        kid = kid or self.published[-1]
        algorithm, key = self.private[kid]
        now = self.clock.now()
        body: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": subject,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=ttl)).timestamp()),
            "roles": ["agent"] if roles is None else roles,
            **claims,
        }
        return jwt.encode(body, key, algorithm=algorithm, headers={"kid": kid})

    async def _jwks(self, request: web.Request) -> web.Response:
        self.fetches += 1
        if self.hold is not None:
            self.waiting += 1
            await self.hold.wait()
            self.waiting -= 1
        return web.json_response({"keys": [self.public_jwk(kid) for kid in self.published]})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/.well-known/jwks.json", self._jwks)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        if not self.port:
            self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
