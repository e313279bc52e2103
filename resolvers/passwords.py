"""The permanent password: changed knowing the current one, or set with a code texted to
the number (after logging in, or when it is forgotten), under the limits of logging in.

- `change_password` spends a password login's budgets (given back when the current
  password is right) and refuses a wrong one as `INVALID_CREDENTIALS`, as a login does.
- `request_password_code` spends a login code's budgets and answers the same whether or
  not the number is a subscriber's.
- `set_password` (logged in, own number) and `reset_password` (logged out; it starts a
  session, as logging in by code does) count like a code login and spend the code's tries.

A new password is checked before the code is tried, so a too-short one costs no try.
"""

from __future__ import annotations

from resolvers.access import reach_own
from resolvers.context import Context
from resolvers.errors import GatewayError, InvalidCredentialsError
from resolvers.limits import HOUR, count_attempt, give_back, spend
from resolvers.login import CodeSent, check_code, code_budgets, password_budgets, send_code
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
    exists = await ctx.loaders.customer_by_msisdn.load(msisdn) is not None
    # The same budgets as a login code (docs/decisions.md, "Login abuse"): a refusal
    # spends nothing, and no one address can use up the number's day.
    return await send_code(
        ctx,
        PURPOSE,
        _code_key(msisdn),
        msisdn,
        msisdn if exists else None,
        "Код для установки пароля личного кабинета: {code}. Никому его не сообщайте.",
        code_budgets(ctx, msisdn),
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
    # Counted like a password login: taken before the comparison, given back when right.
    spent = await spend(ctx, password_budgets(ctx, msisdn))
    if not current or len(current) > MAX_LENGTH:
        raise InvalidCredentialsError("wrong current password")
    try:
        right = await ctx.ports.provisioning.verify_password(msisdn, current)
    except Exception:
        # Provisioning failed, not the guess: count it against nobody.
        await give_back(ctx, spent)
        raise
    if not right:
        raise InvalidCredentialsError("wrong current password")
    await give_back(ctx, spent)
    check_new_password(msisdn, password)
    await ctx.ports.provisioning.set_password(msisdn, password)
    return True
