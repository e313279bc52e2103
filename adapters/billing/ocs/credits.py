"""Credits on a SigScale OCS, for the top-up saga.

OCS has no idempotency (the same body posted twice makes two buckets) and no query by
name, but it keeps a bucket's `name` (recorded 2026-12-06). So a credit is a
`balanceTopup` whose `name` is the gateway's key; it is found again by listing the
product's buckets trimmed to id and name (`?product.id=P&fields=id,name`) and looking for
the name here; it is taken back with `DELETE bucket/{id}` (exactly that top-up, where a
negative balanceAdjustment would take from other buckets).
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.billing.ocs.answers import reading
from adapters.billing.ocs.billing import BALANCE_API, OcsBilling, bucket_id, service_id
from adapters.billing.ocs.paging import fetch_all
from adapters.billing.ocs.timestamps import format_ocs_timestamp
from adapters.billing.ocs.units import CENTS, format_cents
from adapters.errors import BackendNotFoundError
from domain.money import Money


class OcsCredits:
    def __init__(self, billing: OcsBilling) -> None:
        self._billing = billing
        self._client = billing.client

    async def knows(self, msisdn: str) -> bool:
        try:
            return await self._billing.product_of(msisdn) is not None
        except BackendNotFoundError:
            return False

    async def credit(self, msisdn: str, amount: Money, payment_id: str, key: str) -> str:
        self._billing.check_amount(amount)
        body = {
            "type": "buckettype",
            "name": key,
            "amount": {"units": CENTS, "amount": format_cents(amount.amount)},
            # No `Z`: OCS answers 400 to a zoned timestamp.
            "validFor": {"startDateTime": format_ocs_timestamp(self._billing.now())},
        }
        path = f"{BALANCE_API}/service/{service_id(msisdn)}/balanceTopup"
        answer = await self._client.post(path, body)
        with reading(self._client.name, "balanceTopup", answer.status):
            return bucket_id(answer.body, answer.headers)

    async def find(self, msisdn: str, payment_id: str, key: str) -> str | None:
        product_id = await self._billing.product_of(msisdn)
        if product_id is None:
            return None
        try:
            buckets = await fetch_all(
                self._client,
                f"{BALANCE_API}/bucket",
                {"product.id": product_id, "fields": "id,name"},
                self._billing.page_size,
                "bucket",
            )
        except BackendNotFoundError:
            return None
        for bucket in buckets:
            if isinstance(bucket, Mapping) and bucket.get("name") == key and bucket.get("id"):
                return str(bucket["id"])
        return None

    async def take_back(self, msisdn: str, credit_id: str) -> None:
        try:
            await self._client.delete(f"{BALANCE_API}/bucket/{credit_id}")
        except BackendNotFoundError:
            return  # taken back already
