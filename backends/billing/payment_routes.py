"""Billing's TMF676 payment and TMF670 payment method routes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from aiohttp import web

from backends.billing.events import publish
from backends.billing.keys import BILLING
from backends.billing.openapi_writes import PAYMENT_FILTERS, PAYMENT_METHOD_FILTERS
from backends.billing.payment_faults import PAYMENT_FAULTS
from backends.billing.payment_methods import read_payment_method
from backends.billing.payment_resources import (
    PAYMENT_MANAGEMENT,
    PAYMENT_METHODS,
    payment_json,
    refund_json,
    saved_card_json,
)
from backends.billing.payments import PaymentRecord
from backends.billing.resources import CURRENCY
from backends.kit.amounts import (
    Amount,
    read_money,
    require_places,
    require_range,
    require_unit,
)
from backends.kit.bodies import optional_bool, optional_string, read_json_object, reference_id
from backends.kit.errors import bad_request, not_found
from backends.kit.filters import parse_query
from backends.kit.hub import HUB
from backends.kit.idempotency import idempotent
from backends.kit.ids import href, msisdn_in_id
from backends.kit.lookup import path_entity
from backends.kit.responses import collection_response, json_response
from backends.kit.timestamps import utc_now

# What one payment (and so one top-up) may be.
MIN_PAYMENT = Decimal(1)
MAX_PAYMENT = Decimal(15_000)

routes = web.RouteTableDef()


def payment_amount(amount: Amount, name: str) -> Decimal:
    """A money amount a payment or a top-up may have: RUB, kopecks, 1 to 15,000."""
    require_unit(amount, name, CURRENCY)
    require_places(amount, name, 2)
    require_range(amount, name, MIN_PAYMENT, MAX_PAYMENT)
    return amount.value


@routes.post(f"{PAYMENT_MANAGEMENT}/payment")
@idempotent()
async def create_payment(request: web.Request) -> web.Response:
    state = request.app[BILLING]
    body = await read_json_object(request)
    # TMF676 requires totalAmount; amount is taken when it is the only one given.
    name = "totalAmount" if "totalAmount" in body else "amount"
    amount = payment_amount(read_money(body, name), name)
    msisdn = reference_id(body, "account")
    description = optional_string(body, "description")
    authorize_only = optional_bool(body, "authorizeOnly")
    correlator = optional_string(body, "correlatorId")
    state.require_account(msisdn)
    method = read_payment_method(body, state.cards(msisdn))

    async def act() -> web.Response:
        payment = state.payments.pay(
            msisdn,
            amount,
            method,
            description,
            utc_now(),
            authorize_only=authorize_only,
            correlator=correlator,
        )
        answer = payment_json(payment)
        publish(request.app[HUB], "PaymentCreateEvent", "payment", answer)
        return json_response(
            answer,
            status=201,
            headers={"Location": href(f"{PAYMENT_MANAGEMENT}/payment", payment.id)},
        )

    if not authorize_only:
        return await act()
    return await request.app[PAYMENT_FAULTS].run(request, "authorize", act)


@routes.get(f"{PAYMENT_MANAGEMENT}/payment")
async def list_payments(request: web.Request) -> web.Response:
    query = parse_query(request.query, PAYMENT_FILTERS)
    book = request.app[BILLING].payments
    correlator = query.single("correlatorId")
    if correlator is not None:
        payments = list(book.by_correlator(correlator))
    else:
        payments = list(book.of(query.values("account.id")))
    page, total = query.select(payments, payment_json, handled=("account.id", "correlatorId"))
    return collection_response(page, total=total)


def _payment(request: web.Request) -> PaymentRecord:
    return path_entity(request, "payment", request.app[BILLING].payments.payment)


async def _change_payment(
    request: web.Request, what: str, change: Callable[[PaymentRecord], object]
) -> web.Response:
    """The payment the path names, changed under the payment faults of `what`; its JSON."""
    payment = _payment(request)

    async def act() -> web.Response:
        change(payment)
        return json_response(payment_json(payment))

    return await request.app[PAYMENT_FAULTS].run(request, what, act)


@routes.post(f"{PAYMENT_MANAGEMENT}/payment/{{id}}/capture")
@idempotent()
async def capture_payment(request: web.Request) -> web.Response:
    """Take an authorized payment (again: the same answer, nothing taken twice)."""
    return await _change_payment(request, "capture", request.app[BILLING].payments.capture)


@routes.post(f"{PAYMENT_MANAGEMENT}/payment/{{id}}/void")
@idempotent()
async def void_payment(request: web.Request) -> web.Response:
    """Release an authorization (again: the same answer)."""
    return await _change_payment(request, "void", request.app[BILLING].payments.void)


@routes.post(f"{PAYMENT_MANAGEMENT}/refund")
@idempotent()
async def create_refund(request: web.Request) -> web.Response:
    """TMF676 refund: money given back on a taken payment, in part or whole."""
    state = request.app[BILLING]
    body = await read_json_object(request)
    payment_id = reference_id(body, "payment")
    name = "totalAmount" if "totalAmount" in body else "amount"
    amount = payment_amount(read_money(body, name), name)
    correlator = optional_string(body, "correlatorId")
    payment = state.payments.payment(payment_id)
    if payment is None:
        raise not_found("payment", payment_id)

    async def act() -> web.Response:
        refund = state.payments.refund(payment, amount, correlator, utc_now())
        return json_response(refund_json(refund), status=201)

    return await request.app[PAYMENT_FAULTS].run(request, "refund", act)


@routes.get(f"{PAYMENT_MANAGEMENT}/refund")
async def list_refunds(request: web.Request) -> web.Response:
    refunds = list(request.app[BILLING].payments.refunds())
    correlator = request.query.get("correlatorId")
    payment_id = request.query.get("payment.id")
    chosen = [
        refund_json(r)
        for r in refunds
        if (correlator is None or r.correlator == correlator)
        and (payment_id is None or r.payment_id == payment_id)
    ]
    return collection_response(chosen, total=len(chosen))


@routes.get(f"{PAYMENT_MANAGEMENT}/payment/{{id}}")
async def get_payment(request: web.Request) -> web.Response:
    payment = path_entity(request, "payment", request.app[BILLING].payments.payment)
    return json_response(payment_json(payment))


@routes.get(f"{PAYMENT_METHODS}/paymentMethod")
async def list_payment_methods(request: web.Request) -> web.Response:
    state = request.app[BILLING]
    query = parse_query(request.query, PAYMENT_METHOD_FILTERS)
    numbers = query.values("relatedParty.id")
    if numbers is None:
        # Every number's cards would be thousands: ask for some numbers.
        raise bad_request("'relatedParty.id' is required")
    cards = [card for msisdn in numbers for card in state.cards(msisdn)]
    page, total = query.select(cards, saved_card_json, handled=("relatedParty.id",))
    return collection_response(page, total=total)


@routes.get(f"{PAYMENT_METHODS}/paymentMethod/{{id}}")
async def get_payment_method(request: web.Request) -> web.Response:
    card_id = request.match_info["id"]
    msisdn = msisdn_in_id(card_id, "PM")
    cards = request.app[BILLING].cards(msisdn) if msisdn else ()
    for card in cards:
        if card.id == card_id:
            return json_response(saved_card_json(card))
    raise not_found("paymentMethod", card_id)
