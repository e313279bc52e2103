"""The rules the resolvers apply, from the settings: the signing secret and token
authority, the login and linking rules, the actions' limits."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from adapters.clock import Clock
from adapters.identity_provider import ProviderKeys
from gateway.agent_tokens import ProviderTokens
from gateway.auth import TokenAuthority
from gateway.settings import Settings
from resolvers.context import ActionRules, LoginRules


def jwt_secret(settings: Settings) -> str:
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    # Without a configured key tokens die with the process; fine for the demo and tests,
    # and `serve` refuses to start this way.
    return secrets.token_urlsafe(48)


def login_rules(settings: Settings, secret: str) -> LoginRules:
    pepper = (
        settings.code_pepper.get_secret_value().encode()
        if settings.code_pepper
        else hmac.new(secret.encode(), b"one-time-code-pepper", hashlib.sha256).digest()
    )
    return LoginRules(
        pepper=pepper,
        code_length=settings.code_length,
        code_ttl=settings.code_ttl,
        code_max_tries=settings.code_max_tries,
        code_resend_after=settings.code_resend_after,
        codes_per_number_per_day=settings.codes_per_number_per_day,
        codes_per_number_per_client_per_day=settings.codes_per_number_per_client_per_day,
        codes_per_client_per_day=settings.codes_per_client_per_day,
        code_logins_per_client_per_hour=settings.code_logins_per_client_per_hour,
        password_logins_per_number_per_hour=settings.password_logins_per_number_per_hour,
        password_logins_per_number_per_client_per_hour=(
            settings.password_logins_per_number_per_client_per_hour
        ),
        password_logins_per_client_per_hour=settings.password_logins_per_client_per_hour,
        refresh_token_ttl=settings.refresh_token_ttl,
        max_linked_numbers=settings.max_linked_numbers,
    )


def action_rules(settings: Settings) -> ActionRules:
    return ActionRules(
        top_up_min=settings.top_up_min,
        top_up_max=settings.top_up_max,
        share_max_gb=settings.share_max_gb,
        statement_months_back=settings.statement_months_back,
    )


def build_tokens(settings: Settings, clock: Clock, secret: str) -> TokenAuthority:
    return TokenAuthority(
        secret,
        settings.jwt_issuer,
        settings.jwt_audience,
        settings.access_token_ttl,
        clock,
        agents=provider_tokens(settings, clock),
    )


def provider_tokens(settings: Settings, clock: Clock) -> ProviderTokens | None:
    """Agents' tokens from the company identity provider, when one is configured."""
    if settings.agent_jwks_url is None:
        return None
    if not settings.agent_issuer or not settings.agent_audience:
        raise ValueError("TGW_AGENT_JWKS_URL needs TGW_AGENT_ISSUER and TGW_AGENT_AUDIENCE")
    keys = ProviderKeys(settings.agent_jwks_url, clock, max_age=settings.agent_jwks_max_age)
    return ProviderTokens(
        keys, settings.agent_issuer, settings.agent_audience, settings.agent_roles_claim, clock
    )
