"""The billing service's read routes and ``create_app``, which also wires the write side
(payments, balance operations, statements), the hub and the admin routes."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from backends.billing import (
    adjustment_routes,
    admin_routes,
    payment_faults,
    payment_routes,
    statement_routes,
    topup_routes,
    transfer_routes,
)
from backends.billing.keys import BILLING, SMS_PEER, STATEMENT_STEPS
from backends.billing.openapi import BUCKET_FILTERS, CHARGE_FILTERS, OPENAPI
from backends.billing.resources import CUSTOMER_BILL, PREPAY_BALANCE, bucket_json, charge_json
from backends.billing.state import BillingState
from backends.config import ServiceConfig
from backends.kit.errors import bad_request, not_found
from backends.kit.filters import Query, parse_query
from backends.kit.hub import attach_hub
from backends.kit.ids import msisdn_in_id
from backends.kit.lookup import path_entity
from backends.kit.peer import PeerClient, attach_peer
from backends.kit.responses import collection_response, json_response
from backends.kit.service import create_service_app
from backends.kit.stepper import attach_stepper
from backends.kit.timestamps import parse_timestamp

DEFAULT_PORT = 8101

routes = web.RouteTableDef()


def create_app(config: ServiceConfig) -> web.Application:
    all_routes = [
        *routes,
        *payment_routes.routes,
        *topup_routes.routes,
        *transfer_routes.routes,
        *adjustment_routes.routes,
        *statement_routes.routes,
        *admin_routes.routes,
        *payment_faults.routes,
    ]
    app = create_service_app("billing", all_routes, OPENAPI, config.faults)
    app[BILLING] = BillingState(config.build_world())
    app[payment_faults.PAYMENT_FAULTS] = payment_faults.PaymentFaults()
    attach_hub(app, PREPAY_BALANCE, config.hub_secret)
    attach_peer(app, SMS_PEER, PeerClient("sms", config.peers))
    attach_stepper(app, STATEMENT_STEPS, config.order_step_ms)
    return app


@routes.get(f"{PREPAY_BALANCE}/bucket")
async def list_buckets(request: web.Request) -> web.Response:
    state = request.app[BILLING]
    query = parse_query(request.query, BUCKET_FILTERS)
    numbers = query.values("logicalResource.id")
    buckets = [
        (account, quota) for account in state.accounts(numbers) for quota in (None, *account.quotas)
    ]
    page, total = query.select(buckets, bucket_json, handled=("logicalResource.id",))
    return collection_response(page, total=total)


@routes.get(f"{PREPAY_BALANCE}/bucket/{{id}}")
async def get_bucket(request: web.Request) -> web.Response:
    bucket_id = request.match_info["id"]
    msisdn = msisdn_in_id(bucket_id, "BKT")
    account = request.app[BILLING].account(msisdn) if msisdn else None
    if account is not None:
        if bucket_id == account.monetary_bucket_id:
            return json_response(bucket_json((account, None)))
        for quota in account.quotas:
            if quota.id == bucket_id:
                return json_response(bucket_json((account, quota)))
    raise not_found("bucket", bucket_id)


@routes.get(f"{CUSTOMER_BILL}/appliedCustomerBillingRate")
async def list_charges(request: web.Request) -> web.Response:
    state = request.app[BILLING]
    query = parse_query(request.query, CHARGE_FILTERS)
    numbers = query.values("billingAccount.id")
    if numbers is None:
        # Every number's six months would be millions of charges: ask for some numbers.
        raise bad_request("'billingAccount.id' is required")
    start = _time_filter(query, "date.gte")
    end = _time_filter(query, "date.lt")
    charges = [charge for msisdn in numbers for charge in state.charges(msisdn, start, end)]
    page, total = query.select(
        charges, charge_json, handled=("billingAccount.id", "date.gte", "date.lt")
    )
    return collection_response(page, total=total)


@routes.get(f"{CUSTOMER_BILL}/appliedCustomerBillingRate/{{id}}")
async def get_charge(request: web.Request) -> web.Response:
    charge = path_entity(request, "appliedCustomerBillingRate", request.app[BILLING].charge)
    return json_response(charge_json(charge))


def _time_filter(query: Query, name: str) -> datetime | None:
    text = query.single(name)
    if text is None:
        return None
    try:
        return parse_timestamp(text)
    except ValueError:
        raise bad_request(f"{name!r} must be an RFC 3339 timestamp, not {text!r}") from None
