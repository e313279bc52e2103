"""Bearer tokens: JWTs signed with the gateway's key (HS256). Minting is here too, for the
CLI and the login flow.

When the company identity provider is configured (TGW_AGENT_JWKS_URL), agents' tokens are
its own and verified by gateway/agent_tokens.py; the gateway's key then signs subscribers'
tokens only, and an agent token signed with it is refused."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from datetime import timedelta

import jwt

from adapters.clock import Clock
from domain.msisdn import InvalidMsisdnError, normalize_msisdn
from domain.principals import AGENT, ROLES, AgentPrincipal, Principal, SubscriberPrincipal
from gateway.agent_tokens import AgentTokenError, ProviderTokens

ALGORITHM = "HS256"
_KINDS = frozenset({"subscriber", "agent"})
# Tokens verified recently: an app sends the same token with every request for its
# lifetime, and checking the signature and claims again was ~6% of a warm request's CPU.
# Only valid tokens are kept (garbage cannot fill it); expiry is still checked each time.
_VERIFIED_MAX = 10_000


class InvalidTokenError(Exception):
    """The token was sent but cannot be accepted; the message says why, for the client, and
    `code` is the `extensions.code` to answer with."""

    def __init__(self, message: str, code: str = "UNAUTHENTICATED") -> None:
        super().__init__(message)
        self.code = code


class TokenAuthority:
    def __init__(
        self,
        secret: str,
        issuer: str,
        audience: str,
        ttl_seconds: int,
        clock: Clock,
        agents: ProviderTokens | None = None,
    ) -> None:
        if len(secret) < 32:
            raise ValueError("the JWT secret must be at least 32 characters")
        self._secret = secret
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl_seconds
        self._clock = clock
        self.agents = agents
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    @property
    def ttl_seconds(self) -> int:
        return self._ttl

    def mint(self, principal: Principal, ttl_seconds: int | None = None) -> str:
        now = self._clock.now()
        subject = principal.msisdn if isinstance(principal, SubscriberPrincipal) else principal.name
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": subject,
            "kind": principal.kind,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=ttl_seconds or self._ttl)).timestamp()),
            "jti": secrets.token_hex(8),
        }
        if isinstance(principal, AgentPrincipal):
            claims["roles"] = sorted(principal.roles)
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        return self.verify_with_expiry(token)[0]

    async def prepare(self, token: str) -> None:
        """Before `verify`: an agent's token from the identity provider may need the
        provider's keys fetched first (a rotation). Nothing to do for the gateway's own."""
        if self.agents is not None and self.agents.is_theirs(token):
            await self.agents.prepare(token)

    def verify_with_expiry(self, token: str) -> tuple[Principal, float]:
        """The principal and when the token expires (a Unix time), for live connections
        that must end with their token."""
        if self.agents is not None and self.agents.is_theirs(token):
            try:
                return self.agents.verify(token)
            except AgentTokenError as exc:
                raise InvalidTokenError(str(exc), exc.code) from exc
        known = self._verified.get(token)
        if known is not None:
            if known[1] <= self._clock.now().timestamp():
                raise InvalidTokenError("the token has expired")
            self._verified.move_to_end(token)
            return known
        verified = self._decode(token)
        self._verified[token] = verified
        if len(self._verified) > _VERIFIED_MAX:
            self._verified.popitem(last=False)
        return verified

    def _decode(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                # Expiry is checked below against the gateway's clock (which tests can
                # move), not against the wall clock inside PyJWT.
                options={
                    "require": ["exp", "iat", "sub", "kind"],
                    "verify_exp": False,
                    "verify_iat": False,
                },
            )
        except jwt.InvalidTokenError as exc:
            raise InvalidTokenError("the token is not valid") from exc
        if claims["exp"] <= self._clock.now().timestamp():
            raise InvalidTokenError("the token has expired")
        kind, subject = claims["kind"], str(claims["sub"])
        if kind not in _KINDS:
            raise InvalidTokenError("the token is not valid")
        expires_at = float(claims["exp"])
        if kind == "agent":
            if self.agents is not None:
                raise InvalidTokenError("agents sign in with the company's identity provider")
            roles = claims.get("roles", [AGENT])
            if not isinstance(roles, list) or not set(roles) <= ROLES:
                raise InvalidTokenError("the token is not valid")
            return AgentPrincipal(subject, frozenset({*roles, AGENT})), expires_at
        try:
            return SubscriberPrincipal(normalize_msisdn(subject)), expires_at
        except InvalidMsisdnError as exc:
            raise InvalidTokenError("the token is not valid") from exc


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if that is what it is."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
