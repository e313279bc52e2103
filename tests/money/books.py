"""What each system says was moved, read from the simulators over HTTP: money taken at
payments (captured minus refunded) and money credited at billing by the gateway."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp

from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME

PAYMENTS = "/tmf-api/paymentManagement/v4/payment"
TOPUPS = "/tmf-api/prepayBalanceManagement/v4/topupBalance"


class Books:
    def __init__(
        self, http: aiohttp.ClientSession, dialect: str, billing_url: str, payments_url: str
    ) -> None:
        self._http = http
        self._dialect = dialect
        self._billing = billing_url
        self._payments = payments_url
        self._auth = {
            "Authorization": aiohttp.encode_basic_auth(DEFAULT_USERNAME, DEFAULT_PASSWORD)
        }

    async def _get(self, url: str, params: dict[str, str] | None = None) -> Any:
        async with self._http.get(url, params=params, headers=self._auth) as answer:
            answer.raise_for_status()
            return await answer.json(content_type=None)

    async def payments(self, msisdn: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await self._get(
            f"{self._payments}{PAYMENTS}", {"account.id": msisdn}
        )
        return found

    async def taken(self, msisdn: str) -> Decimal:
        """Captured (or taken at once) minus refunded."""
        total = Decimal(0)
        for payment in await self.payments(msisdn):
            if payment["status"] in ("captured", "succeeded"):
                total += Decimal(str(payment["totalAmount"]["value"]))
            refunded = payment.get("refundedAmount")
            if refunded:
                total -= Decimal(str(refunded["value"]))
        return total

    async def held(self, msisdn: str) -> int:
        """Authorizations neither taken nor released."""
        return sum(1 for p in await self.payments(msisdn) if p["status"] == "authorized")

    async def credited(self, msisdn: str) -> Decimal:
        if self._dialect == "sigscale-ocs":
            return sum((b for b in await self._ocs_credits(msisdn)), Decimal(0))
        topups = await self._get(f"{self._billing}{TOPUPS}", {"logicalResource.id": msisdn})
        return sum(
            (
                Decimal(str(t["amount"]["amount"]))
                for t in topups
                if t["status"] == "completed" and not t.get("isAutoTopup")
            ),
            Decimal(0),
        )

    async def credits(self, msisdn: str) -> int:
        """How many credits the gateway made (OCS: named buckets; v4: completed top-ups)."""
        if self._dialect == "sigscale-ocs":
            return len(await self._ocs_credits(msisdn))
        topups = await self._get(f"{self._billing}{TOPUPS}", {"logicalResource.id": msisdn})
        return sum(1 for t in topups if t["status"] == "completed")

    async def _ocs_credits(self, msisdn: str) -> list[Decimal]:
        service = await self._get(
            f"{self._billing}/serviceInventoryManagement/v2/service/{msisdn.removeprefix('+')}"
        )
        buckets = await self._get(
            f"{self._billing}/balanceManagement/v1/bucket", {"product.id": service["product"]}
        )
        return [
            Decimal(b["remainedAmount"]["amount"])
            for b in buckets
            if str(b.get("name", "")).startswith("tgw-")
        ]
