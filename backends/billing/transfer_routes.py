"""Billing's TMF654 ``transferBalance`` routes: sharing gigabytes with another number."""

from __future__ import annotations

from decimal import Decimal

from aiohttp import web

from backends.billing.balance_resources import transfer_json
from backends.billing.events import publish, publish_balance_change
from backends.billing.keys import BILLING
from backends.billing.openapi_writes import TRANSFER_FILTERS
from backends.billing.resources import PREPAY_BALANCE
from backends.billing.transfers import MAX_GB, MIN_GB, transfer_data
from backends.kit.amounts import read_quantity, require_places, require_range, require_unit
from backends.kit.bodies import optional_string, read_json_object, resource_id
from backends.kit.errors import bad_request, invalid
from backends.kit.filters import parse_query
from backends.kit.hub import HUB
from backends.kit.idempotency import idempotent
from backends.kit.ids import href
from backends.kit.lookup import path_entity
from backends.kit.responses import collection_response, json_response
from backends.kit.timestamps import utc_now

routes = web.RouteTableDef()


@routes.post(f"{PREPAY_BALANCE}/transferBalance")
@idempotent()
async def create_transfer(request: web.Request) -> web.Response:
    state = request.app[BILLING]
    body = await read_json_object(request)
    if body.get("usageType") != "data":
        raise bad_request("only data can be transferred: 'usageType' must be 'data'")
    sender = resource_id(body, "logicalResource")
    receiver = resource_id(body, "receiverLogicalResource")
    amount = read_quantity(body, "amount")
    require_unit(amount, "amount", "GB")
    require_places(amount, "amount", 0)
    require_range(amount, "amount", Decimal(MIN_GB), Decimal(MAX_GB))
    reason = optional_string(body, "reason")
    if sender == receiver:
        raise invalid("SELF_TRANSFER", "a number cannot give gigabytes to itself")
    sender_account = state.require_account(sender)
    receiver_account = state.require_account(receiver, "UNKNOWN_RECEIVER")
    transfer = transfer_data(
        state.transfers, sender_account, receiver_account, amount.value, reason, utc_now()
    )
    hub = request.app[HUB]
    answer = transfer_json(transfer)
    publish(hub, "TransferBalanceCreateEvent", "transferBalance", answer)
    publish_balance_change(hub, state, [sender, receiver], "TransferBalance", transfer.id)
    return json_response(
        answer,
        status=201,
        headers={"Location": href(f"{PREPAY_BALANCE}/transferBalance", transfer.id)},
    )


@routes.get(f"{PREPAY_BALANCE}/transferBalance")
async def list_transfers(request: web.Request) -> web.Response:
    query = parse_query(request.query, TRANSFER_FILTERS)
    transfers = list(request.app[BILLING].transfers.of(None))
    page, total = query.select(transfers, transfer_json)
    return collection_response(page, total=total)


@routes.get(f"{PREPAY_BALANCE}/transferBalance/{{id}}")
async def get_transfer(request: web.Request) -> web.Response:
    transfer = path_entity(request, "transferBalance", request.app[BILLING].transfers.transfer)
    return json_response(transfer_json(transfer))
