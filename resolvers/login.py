"""Logging in: by a one-time code sent by SMS, or by a permanent password.

Nothing here tells whether a number is a subscriber: a code request answers the same
either way (for an unknown number a code is "issued" that nothing can match, so the
throttles behave the same too, and no SMS goes out), and a wrong password reads like an
unknown number.

Limits are keyed so that a stranger cannot spend the owner's allowance (docs/decisions.md,
"Login abuse"): a refused request spends nothing, the daily caps count codes issued, one
client address may spend only part of a number's cap, and a right password gives back
what its try took."""

from __future__ import annotations

from collections.abc import Sequence
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
from resolvers.limits import DAY, HOUR, Budget, count_attempt, give_back, spend
from resolvers.sessions import SessionTokens, start_session
from resolvers.waits import try_again_in

LOGIN = "login"


@dataclass(frozen=True, slots=True)
class CodeSent:
    expires_at: datetime
    resend_at: datetime


def code_budgets(ctx: Context, number: str) -> list[Budget]:
    """What texting a code to `number` spends: the asking address's daily codes, its share
    of the number's, and the number's own cap (login and link codes alike), so that no
    single address can use up the number's day."""
    rules = ctx.rules
    client = ctx.client_address
    return [
        Budget(
            f"codes:client:{client}",
            rules.codes_per_client_per_day,
            DAY,
            "codes asked for from this address",
        ),
        Budget(
            f"codes:number:{number}:client:{client}",
            rules.codes_per_number_per_client_per_day,
            DAY,
            "codes to this number from this address",
        ),
        Budget(
            f"codes:number:{number}",
            rules.codes_per_number_per_day,
            DAY,
            "codes to this number",
        ),
    ]


async def send_code(
    ctx: Context,
    purpose: str,
    key: str,
    subject: str,
    recipient: str | None,
    text: str,
    budgets: Sequence[Budget],
) -> CodeSent:
    """Issue a code under `key` and text it to `recipient` (None: nobody to text), paid
    from `budgets`; a code refused (asked for again too soon) gives them back."""
    rules = ctx.rules
    spent = await spend(ctx, budgets)
    code = new_code(rules.code_length)
    issue = await ctx.ports.security.issue_code(
        key,
        code_hash(rules.pepper, purpose, subject, code),
        ttl=rules.code_ttl,
        resend_after=rules.code_resend_after,
        max_tries=rules.code_max_tries,
    )
    if not issue.issued:
        await give_back(ctx, spent)
        raise RateLimitedError(
            f"a code was sent a moment ago; {try_again_in(issue.retry_after)}", issue.retry_after
        )
    # Spent from here on, even if texting fails: whether an SMS left is then unknown.
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
    exists = await ctx.loaders.customer_by_msisdn.load(msisdn) is not None
    return await send_code(
        ctx,
        LOGIN,
        f"{LOGIN}:{msisdn}",
        msisdn,
        msisdn if exists else None,
        "Код для входа в личный кабинет: {code}. Никому его не сообщайте.",
        code_budgets(ctx, msisdn),
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


def password_budgets(ctx: Context, msisdn: str) -> list[Budget]:
    """What a password try spends until it proves right: the address's tries, its tries at
    this number (the tight bound on one guesser), and the number's tries from anywhere (a
    much higher bound on many addresses guessing together)."""
    rules = ctx.rules
    client = ctx.client_address
    return [
        Budget(
            f"passwords:client:{client}",
            rules.password_logins_per_client_per_hour,
            HOUR,
            "failed logins from this address",
        ),
        Budget(
            f"passwords:number:{msisdn}:client:{client}",
            rules.password_logins_per_number_per_client_per_hour,
            HOUR,
            "failed logins to this number from this address",
        ),
        Budget(
            f"passwords:number:{msisdn}",
            rules.password_logins_per_number_per_hour,
            HOUR,
            "failed logins to this number",
        ),
    ]


async def log_in_with_password(ctx: Context, msisdn: str, password: str) -> SessionTokens:
    # Taken before the comparison, so that concurrent tries are each counted; a right
    # password gives its share back, so only failures add up.
    spent = await spend(ctx, password_budgets(ctx, msisdn))
    if not password or len(password) > 256:
        raise InvalidCredentialsError("wrong number or password")
    try:
        right = await ctx.ports.provisioning.verify_password(msisdn, password)
    except Exception:
        # Provisioning failed, not the guess: count it against nobody.
        await give_back(ctx, spent)
        raise
    if not right:
        raise InvalidCredentialsError("wrong number or password")
    await give_back(ctx, spent)
    return await start_session(ctx, msisdn)
