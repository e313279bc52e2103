"""Billing's TMF654 ``adjustBalance`` routes: the charges, credits and quotas provisioning
asks for (and a threshold autopay a charge may set off)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from aiohttp import web

from backends.billing.accounts import unit_of
from backends.billing.adjustments import MONETARY, AdjustmentRequest, adjust
from backends.billing.balance_resources import adjustment_json, topup_json
from backends.billing.events import publish, publish_balance_change
from backends.billing.keys import BILLING
from backends.billing.openapi_writes import ADJUSTMENT_FILTERS
from backends.billing.resources import CURRENCY, PREPAY_BALANCE
from backends.billing.topups import TopupStatus, run_autopay
from backends.charges import ChargeType
from backends.kit.amounts import read_quantity, require_places, require_unit
from backends.kit.bodies import (
    optional_bool,
    optional_string,
    read_json_object,
    reference_id,
    resource_id,
)
from backends.kit.errors import bad_request, invalid
from backends.kit.hub import HUB
from backends.kit.idempotency import idempotent
from backends.kit.ids import href
from backends.kit.listing import indexed_collection
from backends.kit.lookup import path_entity
from backends.kit.responses import json_response
from backends.kit.timestamps import parse_timestamp, utc_now

# The largest single adjustment, either way: a guard against a unit mix-up, not a policy.
MAX_ADJUSTMENT = Decimal(1_000_000)
_QUOTA_PLACES = {"data": 2, "voice": 0, "sms": 0}
_ADJUST_TYPES = ("oneTime", "recurring")
CHARGE_TYPES = tuple(kind.value for kind in ChargeType)

routes = web.RouteTableDef()


@routes.post(f"{PREPAY_BALANCE}/adjustBalance")
@idempotent()
async def create_adjustment(request: web.Request) -> web.Response:
    state = request.app[BILLING]
    body = await read_json_object(request)
    adjustment_request = _adjustment_request(body)
    account = state.require_account(adjustment_request.msisdn)
    now = utc_now()
    adjustment = adjust(state.adjustments, account, adjustment_request, now)
    hub = request.app[HUB]
    answer = adjustment_json(adjustment)
    publish(hub, "AdjustBalanceCreateEvent", "adjustBalance", answer)
    publish_balance_change(hub, state, [account.msisdn], "AdjustBalance", adjustment.id)
    if adjustment_request.usage_type == MONETARY and adjustment_request.amount < 0:
        autopay = run_autopay(account, state.topups, state.payments, state.ledger, now)
        if autopay is not None:
            publish(hub, "TopupBalanceCreateEvent", "topupBalance", topup_json(autopay))
            if autopay.status is TopupStatus.COMPLETED:
                publish_balance_change(hub, state, [account.msisdn], "TopupBalance", autopay.id)
    return json_response(
        answer,
        status=201,
        headers={"Location": href(f"{PREPAY_BALANCE}/adjustBalance", adjustment.id)},
    )


def _adjustment_request(body: dict[str, Any]) -> AdjustmentRequest:
    msisdn = resource_id(body, "logicalResource")
    usage_type = body.get("usageType")
    if usage_type != MONETARY and (not isinstance(usage_type, str) or unit_of(usage_type) is None):
        raise bad_request("'usageType' must be monetary, data, voice or sms")
    amount = read_quantity(body, "amount")
    if usage_type == MONETARY:
        require_unit(amount, "amount", CURRENCY)
        require_places(amount, "amount", 2)
    else:
        require_unit(amount, "amount", unit_of(usage_type) or "")
        require_places(amount, "amount", _QUOTA_PLACES[usage_type])
    if amount.value == 0 or abs(amount.value) > MAX_ADJUSTMENT:
        raise invalid("INVALID_AMOUNT", f"'amount' must be non-zero and at most {MAX_ADJUSTMENT}")
    adjust_type = body.get("adjustType", "oneTime")
    if adjust_type not in _ADJUST_TYPES:
        raise bad_request("'adjustType' must be oneTime or recurring")
    valid_from, valid_until = _period(body.get("validFor"))
    return AdjustmentRequest(
        msisdn=msisdn,
        usage_type=usage_type,
        amount=amount.value,
        bucket_id=reference_id(body, "bucket") if body.get("bucket") is not None else None,
        allow_negative=optional_bool(body, "allowNegative"),
        name=optional_string(body, "name"),
        valid_from=valid_from,
        valid_until=valid_until,
        product_id=resource_id(body, "product") if body.get("product") is not None else None,
        adjust_type=adjust_type,
        reason=optional_string(body, "reason"),
        charge_type=_charge_type(body, usage_type),
    )


def _charge_type(body: dict[str, Any], usage_type: str) -> str | None:
    value = optional_string(body, "chargeType")
    if value is None:
        return None
    if usage_type != MONETARY:
        raise bad_request("'chargeType' is for monetary adjustments only")
    if value not in CHARGE_TYPES:
        raise bad_request(f"'chargeType' must be one of {', '.join(CHARGE_TYPES)}")
    return value


def _period(value: Any) -> tuple[datetime | None, datetime | None]:
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise bad_request("'validFor' must be a TimePeriod")
    start, end = (_time(value.get(name), name) for name in ("startDateTime", "endDateTime"))
    if start is not None and end is not None and end <= start:
        raise bad_request("'validFor' must end after it starts")
    return start, end


def _time(text: Any, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_timestamp(str(text))
    except ValueError:
        raise bad_request(f"{name!r} must be an RFC 3339 timestamp, not {text!r}") from None


@routes.get(f"{PREPAY_BALANCE}/adjustBalance")
async def list_adjustments(request: web.Request) -> web.Response:
    return indexed_collection(
        request,
        ADJUSTMENT_FILTERS,
        "logicalResource.id",
        request.app[BILLING].adjustments.of,
        adjustment_json,
    )


@routes.get(f"{PREPAY_BALANCE}/adjustBalance/{{id}}")
async def get_adjustment(request: web.Request) -> web.Response:
    adjustment = path_entity(request, "adjustBalance", request.app[BILLING].adjustments.adjustment)
    return json_response(adjustment_json(adjustment))
