"""Billing over HTTP, TM Forum v4 dialect (TMF654 prepay balance, TMF678 customer bill)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

from adapters.billing.records import BalanceRecord, ChargeRecord
from adapters.billing.tmf import parse_balances, parse_charge
from adapters.clock import Clock, format_timestamp
from adapters.http import BackendClient, join_ids
from adapters.tmf import entities, parsing

BALANCE_API = "/tmf-api/prepayBalanceManagement/v4"
BILL_API = "/tmf-api/customerBillManagement/v4"


class HttpBilling:
    def __init__(self, client: BackendClient, clock: Clock) -> None:
        self._client = client
        self._clock = clock

    async def balances(self, msisdns: Sequence[str]) -> Mapping[str, BalanceRecord]:
        if not msisdns:
            return {}
        buckets = await self._client.get(
            f"{BALANCE_API}/bucket", {"logicalResource.id": join_ids(msisdns)}
        )
        with parsing(self._client.name, "bucket"):
            return parse_balances(entities(buckets), self._clock.now())

    async def charges(
        self, msisdns: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[ChargeRecord]]:
        if not msisdns:
            return {}
        rates = await self._client.get(
            f"{BILL_API}/appliedCustomerBillingRate",
            {
                "billingAccount.id": join_ids(msisdns),
                "date.gte": format_timestamp(start),
                "date.lt": format_timestamp(end),
            },
        )
        found: dict[str, list[ChargeRecord]] = defaultdict(list)
        with parsing(self._client.name, "appliedCustomerBillingRate"):
            for rate in entities(rates):
                charge = parse_charge(rate)
                if charge is not None:
                    found[charge.msisdn].append(charge)
        return found
