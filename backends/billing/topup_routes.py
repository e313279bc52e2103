"""Billing's TMF654 ``topupBalance`` routes: one-off top-ups paid by a payment, autopays
(set up, listed, cancelled with a PATCH)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from aiohttp import web

from backends.billing.adjustments import MONETARY
from backends.billing.balance_resources import topup_json
from backends.billing.events import publish, publish_balance_change
from backends.billing.keys import BILLING
from backends.billing.openapi_writes import TOPUP_FILTERS
from backends.billing.payment_methods import read_payment_method
from backends.billing.payment_routes import MAX_PAYMENT, payment_amount
from backends.billing.resources import CURRENCY, PREPAY_BALANCE
from backends.billing.state import BillingState
from backends.billing.topups import MONTHLY, TopupRecord, TopupStatus, reverse, top_up
from backends.kit.amounts import read_quantity, require_places, require_range, require_unit
from backends.kit.bodies import optional_bool, read_json_object, reference_id, resource_id
from backends.kit.errors import bad_request, invalid, unprocessable
from backends.kit.hub import HUB, EventHub
from backends.kit.idempotency import idempotent, request_key
from backends.kit.ids import href
from backends.kit.listing import indexed_collection
from backends.kit.lookup import path_entity
from backends.kit.responses import json_response
from backends.kit.timestamps import utc_now

INVALID_AUTOPAY = "INVALID_AUTOPAY"
# `month` is what people write; TMF654's RecurringPeriodType says `monthly`.
_PERIOD_ALIASES = {"monthly": MONTHLY, "month": MONTHLY}

routes = web.RouteTableDef()


@routes.post(f"{PREPAY_BALANCE}/topupBalance")
@idempotent()
async def create_topup(request: web.Request) -> web.Response:
    state = request.app[BILLING]
    body = await read_json_object(request)
    if body.get("usageType", MONETARY) != MONETARY:
        raise bad_request("a top-up is 'monetary'")
    msisdn = resource_id(body, "logicalResource")
    amount = payment_amount(read_quantity(body, "amount"), "amount")
    now = utc_now()
    if optional_bool(body, "isAutoTopup"):
        topup = _install_autopay(request.app[HUB], state, body, msisdn, amount, now)
    else:
        payment_id = reference_id(body, "payment")
        account = state.require_account(msisdn)
        payment = state.payments.payment(payment_id)
        topup = top_up(
            account,
            amount,
            payment_id,
            payment,
            state.topups,
            state.ledger,
            request_key(request),
            now,
        )
    hub = request.app[HUB]
    answer = topup_json(topup)
    publish(hub, "TopupBalanceCreateEvent", "topupBalance", answer)
    if not topup.auto:
        publish_balance_change(hub, state, [msisdn], "TopupBalance", topup.id)
    return json_response(
        answer, status=201, headers={"Location": href(f"{PREPAY_BALANCE}/topupBalance", topup.id)}
    )


def _install_autopay(
    hub: EventHub,
    state: BillingState,
    body: dict[str, Any],
    msisdn: str,
    amount: Decimal,
    now: datetime,
) -> TopupRecord:
    period = body.get("recurringPeriod")
    has_threshold = body.get("thresholdAmount") is not None
    if (period is None) == (not has_threshold):
        raise invalid(INVALID_AUTOPAY, "an autopay takes recurringPeriod or thresholdAmount")
    if "payment" in body:
        raise invalid(INVALID_AUTOPAY, "an autopay pays with a 'paymentMethod', not a 'payment'")
    threshold = None
    if has_threshold:
        threshold_amount = read_quantity(body, "thresholdAmount")
        require_unit(threshold_amount, "thresholdAmount", CURRENCY)
        require_places(threshold_amount, "thresholdAmount", 2)
        require_range(threshold_amount, "thresholdAmount", Decimal(0), MAX_PAYMENT)
        threshold = threshold_amount.value
    elif period not in _PERIOD_ALIASES:
        raise invalid(INVALID_AUTOPAY, f"'recurringPeriod' must be 'monthly', not {period!r}")
    state.require_account(msisdn)
    method = read_payment_method(body, state.cards(msisdn))
    autopay = TopupRecord(
        state.topups.new_id(),
        msisdn,
        amount,
        TopupStatus.CREATED,
        requested=now,
        auto=True,
        recurring_period=None if threshold is not None else MONTHLY,
        threshold=threshold,
        method=method,
    )
    replaced = state.topups.install_autopay(autopay, now)
    if replaced is not None:
        publish(hub, "TopupBalanceCancelEvent", "topupBalance", topup_json(replaced))
    return autopay


@routes.get(f"{PREPAY_BALANCE}/topupBalance")
async def list_topups(request: web.Request) -> web.Response:
    return indexed_collection(
        request, TOPUP_FILTERS, "logicalResource.id", request.app[BILLING].topups.of, topup_json
    )


@routes.get(f"{PREPAY_BALANCE}/topupBalance/{{id}}")
async def get_topup(request: web.Request) -> web.Response:
    return json_response(topup_json(_topup(request)))


@routes.patch(f"{PREPAY_BALANCE}/topupBalance/{{id}}")
async def patch_topup(request: web.Request) -> web.Response:
    """Cancel an autopay, or take back a completed top-up (what its payment put on the
    balance comes off again): the body is exactly ``{"status": "cancelled"}``."""
    topup = _topup(request)
    body = await read_json_object(request)
    if body != {"status": TopupStatus.CANCELLED.value}:
        raise bad_request('the only change a top-up takes is {"status": "cancelled"}')
    if not topup.auto:
        if topup.status is TopupStatus.COMPLETED:
            state = request.app[BILLING]
            reverse(state.require_account(topup.msisdn), topup, state.ledger, utc_now())
            publish(request.app[HUB], "TopupBalanceCancelEvent", "topupBalance", topup_json(topup))
            publish_balance_change(
                request.app[HUB], state, [topup.msisdn], "TopupBalance", topup.id
            )
        elif topup.status is not TopupStatus.CANCELLED:
            raise unprocessable("NOT_CANCELLABLE", f"{topup.id} is {topup.status}")
    elif topup.status is not TopupStatus.CANCELLED:
        state = request.app[BILLING]
        state.topups.cancel(topup, utc_now())
        publish(request.app[HUB], "TopupBalanceCancelEvent", "topupBalance", topup_json(topup))
    return json_response(topup_json(topup))


def _topup(request: web.Request) -> TopupRecord:
    return path_entity(request, "topupBalance", request.app[BILLING].topups.topup)
