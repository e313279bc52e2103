"""The permanent password: changed knowing the current one, or set with a code texted to
the number (after logging in, or when it is forgotten), under the limits of logging in.

- `change_password` counts like a password login (per client and per number an hour) and
  refuses a wrong current password as `INVALID_CREDENTIALS`, as a login does.
- `request_password_code` counts like a login code request (per client and per number a
  day) and answers the same whether or not the number is a subscriber's.
- `set_password` (logged in, own number) and `reset_password` (logged out; it starts a
  session, as logging in by code does) count like a code login and spend the code's tries.

A new password is checked before the code is tried, so a too-short one costs no try.
"""

from __future__ import annotations

from resolvers.access import reach_own
from resolvers.context import Context
from resolvers.errors import GatewayError, InvalidCredentialsError
from resolvers.limits import DAY, HOUR, count_attempt
from resolvers.login import CodeSent, check_code, send_code
from resolvers.sessions import SessionTokens, start_session

PURPOSE = "password"  # of the texted codes (hashed with it, kept under it)
MIN_LENGTH = 8
MAX_LENGTH = 256  # what a password login reads at most


class WeakPasswordError(GatewayError):
    """The new password is refused; `reason` says why (TOO_SHORT, TOO_LONG, THE_NUMBER)."""

    code = "WEAK_PASSWORD"


def check_new_password(msisdn: str, password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(
            f"a password has at least {MIN_LENGTH} characters",
            reason="TOO_SHORT",
            minLength=MIN_LENGTH,
        )
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(
            f"a password has at most {MAX_LENGTH} characters",
            reason="TOO_LONG",
            maxLength=MAX_LENGTH,
        )
    # The number (or its last digits) is the first thing anyone tries.
    if password.isdigit() and msisdn.lstrip("+").endswith(password.lstrip("+")):
        raise WeakPasswordError("the password is the phone number", reason="THE_NUMBER")


def _code_key(msisdn: str) -> str:
    return f"{PURPOSE}:{msisdn}"


async def request_password_code(ctx: Context, msisdn: str) -> CodeSent:
    rules = ctx.rules
    await count_attempt(
        ctx, f"codes:client:{ctx.client_address}", rules.codes_per_client_per_day, DAY, "codes"
    )
    await count_attempt(ctx, f"codes:number:{msisdn}", rules.codes_per_number_per_day, DAY, "codes")
    exists = await ctx.loaders.customer_by_msisdn.load(msisdn) is not None
    return await send_code(
        ctx,
        PURPOSE,
        _code_key(msisdn),
        msisdn,
        msisdn if exists else None,
        "Код для установки пароля личного кабинета: {code}. Никому его не сообщайте.",
    )


async def _set_with_code(ctx: Context, msisdn: str, code: str, password: str) -> None:
    await count_attempt(
        ctx,
        f"logins:client:{ctx.client_address}",
        ctx.rules.code_logins_per_client_per_hour,
        HOUR,
        "login attempts",
    )
    check_new_password(msisdn, password)
    await check_code(ctx, PURPOSE, _code_key(msisdn), msisdn, code)
    await ctx.ports.provisioning.set_password(msisdn, password)


async def set_password(ctx: Context, code: str, password: str) -> bool:
    """The logged-in subscriber's own password, with the code texted to the number."""
    await _set_with_code(ctx, reach_own(ctx).msisdn, code, password)
    return True


async def reset_password(ctx: Context, msisdn: str, code: str, password: str) -> SessionTokens:
    """A forgotten password replaced with the code texted to the number; logs in."""
    await _set_with_code(ctx, msisdn, code, password)
    return await start_session(ctx, msisdn)


async def change_password(ctx: Context, current: str, password: str) -> bool:
    msisdn = reach_own(ctx).msisdn
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
    if not current or len(current) > MAX_LENGTH:
        raise InvalidCredentialsError("wrong current password")
    if not await ctx.ports.provisioning.verify_password(msisdn, current):
        raise InvalidCredentialsError("wrong current password")
    check_new_password(msisdn, password)
    await ctx.ports.provisioning.set_password(msisdn, password)
    return True
