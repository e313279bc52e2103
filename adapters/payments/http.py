"""Payments over HTTP, TM Forum v4 (TMF676 payment, TMF670 payment method)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from adapters.clock import parse_timestamp
from adapters.http import BackendClient, join_ids
from adapters.tmf import Entity, by_number, entities, parsing, ref_id
from domain.money import Money, parse_money
from domain.payments import (
    MethodKind,
    PaymentMethodSpec,
    PaymentRecord,
    SavedCardRecord,
    TopUpPaymentRecord,
    top_up_state,
)

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
        return self._payment(answer)

    # The two-step payment of a saga: held (authorized), then taken (captured) or released
    # (voided); a taken one may be refunded. Each change carries the saga's key.

    async def authorize(
        self, msisdn: str, amount: Money, method: PaymentMethodSpec, key: str
    ) -> PaymentRecord:
        answer = await self._client.post(
            f"{PAYMENT_API}/payment",
            {
                "account": {"id": msisdn},
                "totalAmount": {"unit": amount.currency, "value": str(amount.amount)},
                "paymentMethod": method.to_tmf(),
                "authorizeOnly": True,
                "correlatorId": key,
            },
            headers={"Idempotency-Key": key},
        )
        return self._payment(answer)

    async def find(self, key: str) -> PaymentRecord | None:
        payload = await self._client.get(f"{PAYMENT_API}/payment", {"correlatorId": key})
        with parsing(self._client.name, "payment"):
            found = [item for item in entities(payload) if item.get("correlatorId") == key]
        return self._payment(found[0]) if found else None

    async def payment(self, payment_id: str) -> PaymentRecord:
        return self._payment(await self._client.get(f"{PAYMENT_API}/payment/{payment_id}"))

    async def capture(self, payment_id: str, key: str) -> PaymentRecord:
        answer = await self._client.post(
            f"{PAYMENT_API}/payment/{payment_id}/capture", {}, headers={"Idempotency-Key": key}
        )
        return self._payment(answer)

    async def void(self, payment_id: str, key: str) -> PaymentRecord:
        answer = await self._client.post(
            f"{PAYMENT_API}/payment/{payment_id}/void", {}, headers={"Idempotency-Key": key}
        )
        return self._payment(answer)

    async def refund(self, payment_id: str, amount: Money, key: str) -> None:
        await self._client.post(
            f"{PAYMENT_API}/refund",
            {
                "payment": {"id": payment_id},
                "totalAmount": {"unit": amount.currency, "value": str(amount.amount)},
                "correlatorId": key,
            },
            headers={"Idempotency-Key": key},
        )

    def _payment(self, answer: Entity) -> PaymentRecord:
        with parsing(self._client.name, "payment"):
            status = str(answer["status"])
            refunded = answer.get("refundedAmount")
            return PaymentRecord(
                id=str(answer["id"]),
                amount=parse_money(answer.get("totalAmount") or answer["amount"]),
                succeeded=status in ("succeeded", "authorized", "captured"),
                decline_reason=answer.get("statusReason"),
                status=status,
                refunded=parse_money(refunded) if refunded else None,
            )

    async def top_ups(self, msisdns: Sequence[str]) -> Mapping[str, Sequence[TopUpPaymentRecord]]:
        if not msisdns:
            return {}
        # One call for the batch; payments lists them oldest first, as they were made.
        payload = await self._client.get(
            f"{PAYMENT_API}/payment", {"account.id": join_ids(msisdns)}
        )
        return by_number(
            payload, self._client.name, "payment", _top_up, lambda top_up: top_up.msisdn
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


# TMF670 method types (with the wallet's service) as the gateway's kinds of method.
_KINDS = {
    ("bankCard", None): MethodKind.SAVED_CARD,
    ("tokenizedCard", None): MethodKind.CARD_TOKEN,
    ("digitalWallet", "ApplePay"): MethodKind.APPLE_PAY,
    ("digitalWallet", "GooglePay"): MethodKind.GOOGLE_PAY,
}


def _top_up(item: Entity) -> TopUpPaymentRecord:
    amount = parse_money(item.get("totalAmount") or item["amount"])
    refunded = parse_money(item["refundedAmount"]) if item.get("refundedAmount") else None
    method = item.get("paymentMethod") or {}
    kind = str(method.get("@type") or "")
    service = method.get("service") if kind == "digitalWallet" else None
    msisdn = ref_id(item, "account")
    if msisdn is None:
        raise ValueError("a payment without an account")
    name = method.get("name")
    return TopUpPaymentRecord(
        id=str(item["id"]),
        msisdn=msisdn,
        amount=amount,
        state=top_up_state(str(item["status"]), amount, refunded),
        paid_at=parse_timestamp(str(item.get("paymentDate") or item["statusDate"])),
        method=_KINDS.get((kind, service)),
        method_name=str(name) if name else None,
        top_up_id=ref_id(item, "topupBalance"),
        refunded=refunded,
    )
