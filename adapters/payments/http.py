"""Payments over HTTP, TM Forum v4 (TMF676 payment, TMF670 payment method)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from adapters.http import BackendClient, join_ids
from adapters.tmf import entities, parsing, ref_id
from domain.money import Money, parse_money
from domain.payments import PaymentMethodSpec, PaymentRecord, SavedCardRecord

PAYMENT_API = "/tmf-api/paymentManagement/v4"
METHOD_API = "/tmf-api/paymentMethod/v4"


class HttpPayments:
    def __init__(self, client: BackendClient) -> None:
        self._client = client

    async def pay(
        self, msisdn: str, amount: Money, method: PaymentMethodSpec, key: str
    ) -> PaymentRecord:
        answer = await self._client.post(
            f"{PAYMENT_API}/payment",
            {
                "account": {"id": msisdn},
                "totalAmount": {"unit": amount.currency, "value": str(amount.amount)},
                "paymentMethod": method.to_tmf(),
            },
            headers={"Idempotency-Key": key},
        )
        with parsing(self._client.name, "payment"):
            return PaymentRecord(
                id=str(answer["id"]),
                amount=parse_money(answer.get("totalAmount") or answer["amount"]),
                succeeded=answer["status"] == "succeeded",
                decline_reason=answer.get("statusReason"),
            )

    async def saved_cards(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[SavedCardRecord]]:
        if not msisdns:
            return {}
        payload = await self._client.get(
            f"{METHOD_API}/paymentMethod", {"relatedParty.id": join_ids(msisdns)}
        )
        found: dict[str, list[SavedCardRecord]] = defaultdict(list)
        with parsing(self._client.name, "paymentMethod"):
            for item in entities(payload):
                owner = ref_id(item, "relatedParty")
                if owner is None or item.get("status", "active") != "active":
                    continue
                found[owner].append(
                    SavedCardRecord(
                        id=str(item["id"]),
                        name=str(item.get("name") or ""),
                        last_four=item.get("lastFourDigits"),
                        preferred=bool(item.get("isPreferred")),
                    )
                )
        return found
