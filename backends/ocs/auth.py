"""HTTP Basic auth on everything but ``/health`` (and the simulator's own ``/admin/`` and
``/openapi.json``, which a real OCS does not have)."""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler

# The simulator's fixed credentials (documented in docs/backends.md); not a secret.
DEFAULT_USERNAME = "gateway"
DEFAULT_PASSWORD = "ocs-simulator"  # noqa: S105

_OPEN_PATHS = ("/health", "/openapi.json")
_UNAUTHORIZED_PAGE = """<HTML>
<HEAD>
<TITLE>Unauthorized</TITLE>
</HEAD>
<BODY>
<H1>Unauthorized</H1>
This server could not verify that you are authorized to access the document you requested.
</BODY>
</HTML>
"""


@dataclass(frozen=True)
class Credentials:
    username: str = DEFAULT_USERNAME
    password: str = DEFAULT_PASSWORD

    def accept(self, header: str | None) -> bool:
        scheme, _, encoded = (header or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        username, _, password = decoded.partition(":")
        # Both compared, in constant time, so timing tells nothing about either.
        user_ok = hmac.compare_digest(username.encode(), self.username.encode())
        password_ok = hmac.compare_digest(password.encode(), self.password.encode())
        return user_ok and password_ok


CREDENTIALS = web.AppKey("credentials", Credentials)


def is_open(request: web.Request) -> bool:
    return request.path in _OPEN_PATHS or request.path.startswith("/admin/")


@web.middleware
async def basic_auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if is_open(request) or request.app[CREDENTIALS].accept(request.headers.get("Authorization")):
        return await handler(request)
    return web.Response(
        body=_UNAUTHORIZED_PAGE.encode(),
        status=401,
        content_type="text/html",
        headers={"WWW-Authenticate": 'Basic realm="ocs.sigscale.org"'},
    )
