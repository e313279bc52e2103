"""Topping up, autopay, and the saved cards to pay with."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal

from adapters.cache.number_reads import NumberRead
from domain.billing import AutopayRecord
from domain.money import Money
from domain.payments import MethodKind, PaymentMethodSpec, SavedCardRecord
from domain.reach import Reach
from resolvers.actions.outcome import ActionResult, backend_key, refuse
from resolvers.actions.perform import perform
from resolvers.changes import changing
from resolvers.context import Context
from resolvers.money.outcome import top_up_result

CURRENCY = "RUB"
MAX_TOKEN = 512


def _amount(ctx: Context, amount: Decimal, field: str = "amount") -> Money:
    rules = ctx.action_rules
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise refuse("INVALID_AMOUNT", "at most two decimal places (kopecks)", field)
    if not rules.top_up_min <= amount <= rules.top_up_max:
        raise refuse(
            "INVALID_AMOUNT",
            f"an amount from {rules.top_up_min} to {rules.top_up_max} {CURRENCY}",
            field,
        )
    return Money(amount, CURRENCY)


def check_method(method: PaymentMethodSpec | None) -> PaymentMethodSpec:
    if method is None:
        raise refuse(
            "INVALID_PAYMENT_METHOD",
            "exactly one of savedCardId, cardToken, applePayToken, googlePayToken",
            "paymentMethod",
        )
    if not method.value.strip() or len(method.value) > MAX_TOKEN:
        raise refuse("INVALID_PAYMENT_METHOD", "an empty or oversized token", "paymentMethod")
    return method


async def top_up(
    ctx: Context,
    msisdn: str,
    amount: Decimal,
    method: PaymentMethodSpec | None,
    key: str | None,
) -> ActionResult:
    async def act(who: Reach, resolved: str) -> ActionResult:
        money = _amount(ctx, amount)
        spec = check_method(method)
        sagas = ctx.ports.top_ups
        if sagas is None:
            raise RuntimeError("top-ups need the saga runner (gateway/ports.py wires it)")
        # Dropped after the saga, whatever it came to: the payload shows billing's figure
        # and the payment among the number's top-ups.
        async with changing(ctx, [msisdn], NumberRead.BALANCE, NumberRead.TOP_UPS):
            saga = await sagas.top_up(
                backend_key(ctx, "topUp", resolved, "saga"),
                msisdn,
                money,
                spec,
                backend_key(ctx, "topUp", resolved, "payment"),
                backend_key(ctx, "topUp", resolved, "topup"),
            )
        return top_up_result(saga)

    async def settled(resolved: str) -> ActionResult | None:
        # The saga is the top-up's own record: finished (by whichever process), it is the
        # outcome, even while a killed process's idempotency claim is still running.
        sagas = ctx.ports.top_ups
        if sagas is None:
            return None
        saga = await sagas.finished(backend_key(ctx, "topUp", resolved, "saga"))
        return None if saga is None else top_up_result(saga)

    inputs = {"amount": str(amount), "method": _method_inputs(method)}
    return await perform(ctx, "topUp", msisdn, key, inputs, act, settled)


def _method_inputs(method: PaymentMethodSpec | None) -> str | None:
    # Fingerprinted by kind and a hash of the value: tokens must not sit in Redis as is.
    if method is None:
        return None
    return f"{method.kind.value}:{hashlib.sha256(method.value.encode()).hexdigest()}"


async def set_autopay(
    ctx: Context,
    msisdn: str,
    amount: Decimal,
    method: PaymentMethodSpec | None,
    below: Decimal | None,
    key: str | None,
) -> ActionResult:
    async def act(who: Reach, resolved: str) -> ActionResult:
        money = _amount(ctx, amount)
        spec = check_method(method)
        threshold = None
        if below is not None:
            if below < 0 or below > ctx.action_rules.top_up_max:
                raise refuse("INVALID_AMOUNT", "the threshold is out of range", "belowAmount")
            threshold = Money(below, CURRENCY)
        autopay = await ctx.ports.billing.actions.set_autopay(
            msisdn, money, spec, threshold, backend_key(ctx, "setAutopay", resolved, "autopay")
        )
        return ActionResult(msisdn, {"autopayId": autopay.id})

    inputs = {
        "amount": str(amount),
        "method": _method_inputs(method),
        "below": None if below is None else str(below),
    }
    return await perform(ctx, "setAutopay", msisdn, key, inputs, act)


async def cancel_autopay(ctx: Context, msisdn: str, key: str | None) -> ActionResult:
    async def act(who: Reach, resolved: str) -> ActionResult:
        current = await ctx.ports.billing.actions.autopay(msisdn)
        if current is None:
            raise refuse("NOT_FOUND", "there is no autopay on this number")
        await ctx.ports.billing.actions.cancel_autopay(current.id)
        return ActionResult(msisdn, {"autopayId": current.id})

    return await perform(ctx, "cancelAutopay", msisdn, key, {}, act)


async def autopay(ctx: Context, who: Reach) -> AutopayRecord | None:
    return await ctx.ports.billing.actions.autopay(who.msisdn)


async def saved_cards(ctx: Context, who: Reach) -> Sequence[SavedCardRecord]:
    return (await ctx.ports.payments.saved_cards([who.msisdn])).get(who.msisdn, ())


def method_from(
    saved_card_id: str | None,
    card_token: str | None,
    apple_pay_token: str | None,
    google_pay_token: str | None,
) -> PaymentMethodSpec | None:
    given = [
        (kind, value)
        for kind, value in (
            (MethodKind.SAVED_CARD, saved_card_id),
            (MethodKind.CARD_TOKEN, card_token),
            (MethodKind.APPLE_PAY, apple_pay_token),
            (MethodKind.GOOGLE_PAY, google_pay_token),
        )
        if value is not None
    ]
    return PaymentMethodSpec(*given[0]) if len(given) == 1 else None
