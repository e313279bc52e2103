"""Billing over HTTP, TM Forum v4 dialect (TMF654 prepay balance, TMF678 customer bill)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from adapters.billing.tmf import parse_balances, parse_charge
from adapters.clock import Clock, format_timestamp, parse_timestamp
from adapters.http import BackendClient, join_ids
from adapters.tmf import Entity, by_number, characteristics, entities, parsing, ref_id, ref_ids
from domain.billing import (
    AutopayRecord,
    BalanceRecord,
    ChargeRecord,
    OrderedStatementRecord,
    StatementRecord,
    TopUpRecord,
    TransferRecord,
)
from domain.money import Money, parse_money
from domain.payments import PaymentMethodSpec

BALANCE_API = "/tmf-api/prepayBalanceManagement/v4"
BILL_API = "/tmf-api/customerBillManagement/v4"


class HttpBilling:
    def __init__(self, client: BackendClient, clock: Clock) -> None:
        self._client = client
        self._clock = clock

    @property
    def client(self) -> BackendClient:
        return self._client

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
        return by_number(
            rates,
            self._client.name,
            "appliedCustomerBillingRate",
            parse_charge,
            lambda charge: charge.msisdn,
        )

    # Changes (TMF654 topupBalance/transferBalance, TMF678 customerBillOnDemand).

    async def top_up(self, msisdn: str, amount: Money, payment_id: str, key: str) -> TopUpRecord:
        answer = await self._client.post(
            f"{BALANCE_API}/topupBalance",
            {
                "logicalResource": [{"id": msisdn}],
                "amount": _quantity(amount),
                "payment": {"id": payment_id},
            },
            headers={"Idempotency-Key": key},
        )
        with parsing(self._client.name, "topupBalance"):
            return TopUpRecord(str(answer["id"]), msisdn, parse_money(answer["amount"]))

    async def autopay(self, msisdn: str) -> AutopayRecord | None:
        payload = await self._client.get(
            f"{BALANCE_API}/topupBalance",
            {"logicalResource.id": msisdn, "isAutoTopup": "true", "status": "created"},
        )
        with parsing(self._client.name, "topupBalance"):
            found = entities(payload)
            return _autopay(found[-1], msisdn) if found else None

    async def set_autopay(
        self,
        msisdn: str,
        amount: Money,
        method: PaymentMethodSpec,
        threshold: Money | None,
        key: str,
    ) -> AutopayRecord:
        body: dict[str, object] = {
            "isAutoTopup": True,
            "logicalResource": [{"id": msisdn}],
            "amount": _quantity(amount),
            "paymentMethod": method.to_tmf(),
        }
        if threshold is None:
            body["recurringPeriod"] = "monthly"
        else:
            body["thresholdAmount"] = _quantity(threshold)
        answer = await self._client.post(
            f"{BALANCE_API}/topupBalance", body, headers={"Idempotency-Key": key}
        )
        with parsing(self._client.name, "topupBalance"):
            return _autopay(answer, msisdn)

    async def cancel_autopay(self, autopay_id: str) -> None:
        await self._client.patch(
            f"{BALANCE_API}/topupBalance/{autopay_id}", {"status": "cancelled"}
        )

    async def transfer_data(
        self, sender: str, receiver: str, gigabytes: int, key: str
    ) -> TransferRecord:
        answer = await self._client.post(
            f"{BALANCE_API}/transferBalance",
            {
                "usageType": "data",
                "logicalResource": [{"id": sender}],
                "receiverLogicalResource": {"id": receiver},
                "amount": {"amount": gigabytes, "units": "GB"},
            },
            headers={"Idempotency-Key": key},
        )
        with parsing(self._client.name, "transferBalance"):
            return TransferRecord(str(answer["id"]), sender, receiver, gigabytes)

    async def order_statement(
        self, msisdn: str, start: datetime, end: datetime, email: str, fmt: str, key: str
    ) -> StatementRecord:
        answer = await self._client.post(
            f"{BILL_API}/customerBillOnDemand",
            {
                "billingAccount": {"id": msisdn},
                "billingPeriod": {
                    "startDateTime": format_timestamp(start),
                    "endDateTime": format_timestamp(end),
                },
                "format": fmt,
                "characteristic": [{"name": "email", "value": email}],
            },
            headers={"Idempotency-Key": key},
        )
        with parsing(self._client.name, "customerBillOnDemand"):
            return StatementRecord(str(answer["id"]), msisdn, str(answer["state"]), email)

    async def statements(
        self, msisdns: Sequence[str]
    ) -> Mapping[str, Sequence[OrderedStatementRecord]]:
        if not msisdns:
            return {}
        payload = await self._client.get(
            f"{BILL_API}/customerBillOnDemand", {"billingAccount.id": join_ids(msisdns)}
        )
        return by_number(
            payload,
            self._client.name,
            "customerBillOnDemand",
            _statement,
            lambda statement: statement.msisdn,
        )


def _statement(item: Entity) -> OrderedStatementRecord:
    msisdn = ref_id(item, "billingAccount")
    if msisdn is None:
        raise ValueError("a statement without a billing account")
    period = item["billingPeriod"]
    errors = item.get("errorMessage") or ()
    return OrderedStatementRecord(
        id=str(item["id"]),
        msisdn=msisdn,
        start=parse_timestamp(str(period["startDateTime"])),
        end=parse_timestamp(str(period["endDateTime"])),
        format=str(item.get("format") or "pdf"),
        email=str(characteristics(item).get("email") or ""),
        state=str(item["state"]),
        # A TMF678 billing without the simulator's `orderDate` has `lastUpdate` only.
        ordered_at=parse_timestamp(str(item.get("orderDate") or item["lastUpdate"])),
        error=str(errors[0].get("message") or errors[0].get("reason")) if errors else None,
    )


def _quantity(amount: Money) -> dict[str, object]:
    return {"amount": str(amount.amount), "units": amount.currency}


def _autopay(item: Entity, msisdn: str) -> AutopayRecord:
    threshold = item.get("thresholdAmount")
    method = item.get("paymentMethod") or {}
    return AutopayRecord(
        id=str(item["id"]),
        msisdn=(ref_ids(item, "logicalResource") or [msisdn])[0],
        amount=parse_money(item["amount"]),
        monthly=threshold is None,
        threshold=parse_money(threshold) if threshold else None,
        method_name=method.get("name") if isinstance(method, dict) else None,
    )
