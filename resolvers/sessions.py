"""Login sessions: a short-lived access token (JWT) and a long-lived refresh token.

The refresh token is opaque (`<family>.<secret>`) and stored only as a hash. Each refresh
rotates it; a rotated token that comes back means it was copied, and the whole session
family is revoked (the thief's and the owner's tokens alike)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.principals import SubscriberPrincipal
from domain.security import RotateOutcome, SessionRecord
from resolvers.context import Context
from resolvers.errors import InvalidRefreshTokenError


@dataclass(frozen=True, slots=True)
class SessionTokens:
    msisdn: str
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def _new_refresh_token(family: str) -> str:
    return f"{family}.{secrets.token_urlsafe(32)}"


def _stored_hash(token: str) -> str | None:
    family, dot, _ = token.partition(".")
    if not dot or not family or len(token) > 200:
        return None
    return f"{family}.{hashlib.sha256(token.encode()).hexdigest()}"


def _tokens(ctx: Context, msisdn: str, refresh: str, refresh_expires: float) -> SessionTokens:
    now = ctx.clock.now()
    tokens = ctx.ports.tokens
    return SessionTokens(
        msisdn=msisdn,
        access_token=tokens.mint(SubscriberPrincipal(msisdn)),
        access_expires_at=now + timedelta(seconds=tokens.ttl_seconds),
        refresh_token=refresh,
        refresh_expires_at=datetime.fromtimestamp(refresh_expires, now.tzinfo),
    )


async def start_session(ctx: Context, msisdn: str) -> SessionTokens:
    family = secrets.token_hex(8)
    refresh = _new_refresh_token(family)
    expires = ctx.clock.now().timestamp() + ctx.rules.refresh_token_ttl
    stored = _stored_hash(refresh)
    assert stored is not None
    await ctx.ports.security.create_session(stored, SessionRecord(family, msisdn, expires))
    return _tokens(ctx, msisdn, refresh, expires)


async def refresh_session(ctx: Context, refresh_token: str) -> SessionTokens:
    old = _stored_hash(refresh_token)
    if old is None:
        raise InvalidRefreshTokenError("unknown or expired refresh token")
    family = old.split(".", 1)[0]
    new = _new_refresh_token(family)
    new_hash = _stored_hash(new)
    assert new_hash is not None
    expires = ctx.clock.now().timestamp() + ctx.rules.refresh_token_ttl
    outcome, session = await ctx.ports.security.rotate_session(old, new_hash, expires)
    if outcome is RotateOutcome.REUSED:
        raise InvalidRefreshTokenError(
            "this refresh token was already used; the session is revoked, log in again"
        )
    if session is None:
        raise InvalidRefreshTokenError("unknown or expired refresh token")
    return _tokens(ctx, session.msisdn, new, expires)


async def log_out(ctx: Context, refresh_token: str) -> bool:
    stored = _stored_hash(refresh_token)
    if stored is None or not await ctx.ports.security.revoke_session(stored):
        raise InvalidRefreshTokenError("unknown or expired refresh token")
    return True
