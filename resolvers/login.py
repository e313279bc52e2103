"""Logging in: by a one-time code sent by SMS, or by a permanent password.

Nothing here tells whether a number is a subscriber: a code request answers the same
either way (for an unknown number a code is "issued" that nothing can match, so the
throttles behave the same too, and no SMS goes out), and a wrong password reads like an
unknown number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from adapters.security.records import CodeCheck
from resolvers.codes import code_hash, is_well_formed, new_code, same_hash
from resolvers.context import Context
from resolvers.errors import (
    CodeExpiredError,
    InvalidCodeError,
    InvalidCredentialsError,
    InvalidInputError,
    RateLimitedError,
    TooManyAttemptsError,
)
from resolvers.limits import DAY, HOUR, count_attempt
from resolvers.sessions import SessionTokens, start_session

LOGIN = "login"


@dataclass(frozen=True, slots=True)
class CodeSent:
    expires_at: datetime
    resend_at: datetime


async def send_code(
    ctx: Context, purpose: str, key: str, subject: str, recipient: str | None, text: str
) -> CodeSent:
    """Issue a code under `key` and text it to `recipient` (None: nobody to text)."""
    rules = ctx.rules
    code = new_code(rules.code_length)
    issue = await ctx.ports.security.issue_code(
        key,
        code_hash(rules.pepper, purpose, subject, code),
        ttl=rules.code_ttl,
        resend_after=rules.code_resend_after,
        max_tries=rules.code_max_tries,
    )
    if not issue.issued:
        raise RateLimitedError("a code was sent a moment ago", issue.retry_after)
    if recipient is not None:
        await ctx.ports.sms.send(recipient, text.format(code=code))
    now = ctx.clock.now()
    return CodeSent(
        expires_at=now + timedelta(seconds=rules.code_ttl),
        resend_at=now + timedelta(seconds=rules.code_resend_after),
    )


async def check_code(ctx: Context, purpose: str, key: str, subject: str, code: str) -> None:
    """One counted attempt at the code under `key`; returns only when it matches."""
    rules = ctx.rules
    if not is_well_formed(code, rules.code_length):
        raise InvalidInputError(f"a code is {rules.code_length} digits")
    attempt = await ctx.ports.security.attempt_code(key)
    if attempt.outcome is CodeCheck.MISSING:
        raise CodeExpiredError("no valid code for this number: ask for a new one")
    if attempt.outcome is CodeCheck.EXHAUSTED or attempt.stored_hash is None:
        raise TooManyAttemptsError("too many wrong codes: ask for a new one")
    if not same_hash(attempt.stored_hash, code_hash(rules.pepper, purpose, subject, code)):
        if attempt.tries_left == 0:
            raise TooManyAttemptsError("too many wrong codes: ask for a new one")
        raise InvalidCodeError("wrong code", triesLeft=attempt.tries_left)
    if not await ctx.ports.security.consume_code(key, attempt.stored_hash):
        # Used by a concurrent attempt, or replaced by a newer code meanwhile.
        raise CodeExpiredError("no valid code for this number: ask for a new one")


async def request_login_code(ctx: Context, msisdn: str) -> CodeSent:
    rules = ctx.rules
    await count_attempt(
        ctx, f"codes:client:{ctx.client_address}", rules.codes_per_client_per_day, DAY, "codes"
    )
    await count_attempt(ctx, f"codes:number:{msisdn}", rules.codes_per_number_per_day, DAY, "codes")
    exists = await ctx.loaders.customer_by_msisdn.load(msisdn) is not None
    return await send_code(
        ctx,
        LOGIN,
        f"{LOGIN}:{msisdn}",
        msisdn,
        msisdn if exists else None,
        "Код для входа в личный кабинет: {code}. Никому его не сообщайте.",
    )


async def log_in(ctx: Context, msisdn: str, code: str) -> SessionTokens:
    await count_attempt(
        ctx,
        f"logins:client:{ctx.client_address}",
        ctx.rules.code_logins_per_client_per_hour,
        HOUR,
        "login attempts",
    )
    await check_code(ctx, LOGIN, f"{LOGIN}:{msisdn}", msisdn, code)
    return await start_session(ctx, msisdn)


async def log_in_with_password(ctx: Context, msisdn: str, password: str) -> SessionTokens:
    rules = ctx.rules
    await count_attempt(
        ctx,
        f"passwords:client:{ctx.client_address}",
        rules.password_logins_per_client_per_hour,
        HOUR,
        "login attempts",
    )
    await count_attempt(
        ctx,
        f"passwords:number:{msisdn}",
        rules.password_logins_per_number_per_hour,
        HOUR,
        "login attempts",
    )
    if not password or len(password) > 256:
        raise InvalidCredentialsError("wrong number or password")
    if not await ctx.ports.provisioning.verify_password(msisdn, password):
        raise InvalidCredentialsError("wrong number or password")
    return await start_session(ctx, msisdn)
