"""Credits over the TMF v4 billing (TMF654 topupBalance): a top-up names its payment and
billing takes one top-up per payment, so the payment is the key a credit is found by;
the gateway's key also travels as the `Idempotency-Key` header billing honours."""

from __future__ import annotations

from adapters.billing.http import BALANCE_API
from adapters.errors import BackendNotFoundError
from adapters.http import BackendClient
from adapters.tmf import entities, parsing, ref_id
from domain.money import Money


class TmfCredits:
    def __init__(self, client: BackendClient) -> None:
        self._client = client

    async def knows(self, msisdn: str) -> bool:
        payload = await self._client.get(f"{BALANCE_API}/bucket", {"logicalResource.id": msisdn})
        with parsing(self._client.name, "bucket"):
            return bool(entities(payload))

    async def credit(self, msisdn: str, amount: Money, payment_id: str, key: str) -> str:
        answer = await self._client.post(
            f"{BALANCE_API}/topupBalance",
            {
                "logicalResource": [{"id": msisdn}],
                "amount": {"amount": str(amount.amount), "units": amount.currency},
                "payment": {"id": payment_id},
            },
            headers={"Idempotency-Key": key},
        )
        with parsing(self._client.name, "topupBalance"):
            return str(answer["id"])

    async def find(self, msisdn: str, payment_id: str, key: str) -> str | None:
        payload = await self._client.get(
            f"{BALANCE_API}/topupBalance", {"logicalResource.id": msisdn}
        )
        with parsing(self._client.name, "topupBalance"):
            for item in entities(payload):
                if ref_id(item, "payment") == payment_id and item.get("status") == "completed":
                    return str(item["id"])
        return None

    async def take_back(self, msisdn: str, credit_id: str) -> None:
        try:
            await self._client.patch(
                f"{BALANCE_API}/topupBalance/{credit_id}", {"status": "cancelled"}
            )
        except BackendNotFoundError:
            return
