"""Small helpers of the action tests: reading state back through the gateway and the
billing ledger."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import aiohttp

from tests.harness.gateway import GatewayClient

STATE = """query($m: Msisdn!) { subscriber(msisdn: $m) {
  balance { money { amount } quotas { kind remaining total unit unlimited } }
  tariff { id monthlyFee { amount } allowances { kind amount } }
  services { id status }
  offers { id activated promoCode }
  autopay { id monthly belowAmount { amount } }
  orders { id state items { action offeringId } }
} }"""


def key() -> str:
    return f"test-{uuid.uuid4().hex}"


async def state(gateway: GatewayClient, msisdn: str) -> dict[str, Any]:
    answer = await gateway.query(STATE, {"m": msisdn}, token=gateway.subscriber_token(msisdn))
    assert answer.errors == [], answer.errors
    found: dict[str, Any] = answer.data["subscriber"]
    return found


def money(found: dict[str, Any]) -> Decimal:
    return Decimal(found["balance"]["money"]["amount"])


def data_left(found: dict[str, Any]) -> float:
    quotas = found["balance"]["quotas"]
    return float(sum(q["remaining"] for q in quotas if q["kind"] == "DATA" and not q["unlimited"]))


async def ledger(
    http: aiohttp.ClientSession, billing_url: str, msisdn: str
) -> list[dict[str, Any]]:
    async with http.get(f"{billing_url}/admin/ledger", params={"msisdn": msisdn}) as response:
        entries: list[dict[str, Any]] = await response.json()
        return entries
