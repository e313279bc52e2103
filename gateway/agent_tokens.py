"""Agents' tokens from the company identity provider (OpenID Connect): RS256/ES256 JWTs
verified against the provider's published keys (adapters/identity_provider.py), with the
agent's roles read off a claim.

Only asymmetric algorithms are accepted, and only the one that fits the key the token
names, so a token "signed" HS256 with the provider's public key as the secret is refused.
Expiry is checked against the gateway's clock, as for the gateway's own tokens.
"""

from __future__ import annotations

from typing import Any

import jwt

from adapters.clock import Clock
from adapters.identity_provider import ProviderKeys
from domain.principals import AGENT, ROLES, AgentPrincipal

PROVIDER_ALGORITHMS = frozenset({"RS256", "ES256"})
# The provider's clock and ours differ a little; a token is not refused as "not yet valid"
# for a few seconds of skew. Expiry gets no such grace.
_SKEW = 30


class AgentTokenError(Exception):
    """The agent's token cannot be accepted; `code` is the `extensions.code` to answer."""

    def __init__(self, message: str, code: str = "UNAUTHENTICATED") -> None:
        super().__init__(message)
        self.code = code


class ProviderTokens:
    def __init__(
        self, keys: ProviderKeys, issuer: str, audience: str, roles_claim: str, clock: Clock
    ) -> None:
        self.keys = keys
        self._issuer = issuer
        self._audience = audience
        self._roles_path = roles_claim.split(".")
        self._clock = clock

    def is_theirs(self, token: str) -> bool:
        """Whether the token claims to come from the provider (so the gateway's own key
        must not be tried): an asymmetric algorithm, or the provider as its issuer."""
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.InvalidTokenError:
            return False
        return header.get("alg") in PROVIDER_ALGORITHMS or claims.get("iss") == self._issuer

    async def prepare(self, token: str) -> None:
        """Have the key the token names at hand (fetching the provider's keys if need be),
        so that `verify` can run without waiting."""
        kid = _kid(token)
        if kid is not None:
            await self.keys.ensure(kid)

    def verify(self, token: str) -> tuple[AgentPrincipal, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise AgentTokenError("the token is not valid") from exc
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in PROVIDER_ALGORITHMS or not isinstance(kid, str):
            raise AgentTokenError("the token is not valid")
        key = self.keys.key(kid)
        if key is None:
            if self.keys.failing:
                raise AgentTokenError(
                    "the identity provider cannot be reached to check this token; "
                    "try again shortly",
                    "IDENTITY_PROVIDER_UNAVAILABLE",
                )
            raise AgentTokenError("the token is signed with a key the provider does not publish")
        if key.algorithm_name != algorithm:
            raise AgentTokenError("the token is not valid")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self._audience,
                issuer=self._issuer,
                # Times are checked below against the gateway's clock (which tests can
                # move), not against the wall clock inside PyJWT.
                options={
                    "require": ["exp", "sub", "iss", "aud"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidTokenError as exc:
            raise AgentTokenError("the token is not valid") from exc
        now = self._clock.now().timestamp()
        if not isinstance(claims["exp"], int | float) or claims["exp"] <= now:
            raise AgentTokenError("the token has expired")
        not_before = claims.get("nbf", claims.get("iat", 0))
        if not isinstance(not_before, int | float) or not_before > now + _SKEW:
            raise AgentTokenError("the token is not valid yet")
        roles = self._roles(claims) & ROLES
        if not roles:
            raise AgentTokenError(
                "the token grants none of the support desk's roles (agent, supervisor)",
                "FORBIDDEN",
            )
        # A supervisor is an agent who also reads the audit log.
        return AgentPrincipal(str(claims["sub"]), frozenset(roles | {AGENT})), float(claims["exp"])

    def _roles(self, claims: dict[str, Any]) -> frozenset[str]:
        # A dotted claim name walks nested objects (Keycloak: realm_access.roles).
        value: Any = claims
        for part in self._roles_path:
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str):
            return frozenset(value.split())
        if isinstance(value, list):
            return frozenset(v for v in value if isinstance(v, str))
        return frozenset()


def _kid(token: str) -> str | None:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.InvalidTokenError:
        return None
    return kid if isinstance(kid, str) else None
