"""``OcsBilling``: the BillingPort (plus top-ups) over a SigScale OCS.

Per number: ``GET /serviceInventoryManagement/v2/service/{digits}`` names the number's
product, ``GET /balanceManagement/v1/bucket?product.id=...`` lists its buckets. The bucket
list is used rather than ``accumulatedBalance`` because only buckets carry ``validFor``
(a quota's end, expired buckets) and one bucket per quota, and only the list is paged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

import aiohttp

from adapters.billing.ocs.answers import reading
from adapters.billing.ocs.buckets import balance_from_buckets
from adapters.billing.ocs.client import OcsClient
from adapters.billing.ocs.fan_out import gather_all
from adapters.billing.ocs.idempotency import TopUpLedger
from adapters.billing.ocs.paging import fetch_all
from adapters.billing.ocs.timestamps import format_ocs_timestamp
from adapters.billing.ocs.units import CENTS, format_cents
from adapters.calls import CallGuard
from adapters.clock import Clock
from adapters.errors import BackendNotFoundError
from domain.billing import BalanceRecord, ChargeRecord
from domain.money import Money

SERVICE_API = "/serviceInventoryManagement/v2/service"
BALANCE_API = "/balanceManagement/v1"
BACKEND_NAME = "billing"
# A subscriber has a handful of buckets: one page almost always, and the cap on the
# system's side (its rest_page_size) is larger.
DEFAULT_PAGE_SIZE = 100
# OCS buckets carry no currency: money is in "cents" of whatever the operator bills in.
DEFAULT_CURRENCY = "RUB"
TOP_UP_CHANNEL = "gateway"


def service_id(msisdn: str) -> str:
    """OCS names a service by the number's digits (``14165551234``), without the plus;
    quoted, as it goes into a path."""
    return quote(msisdn.removeprefix("+"), safe="")


class OcsBilling:
    def __init__(
        self,
        client: OcsClient,
        clock: Clock,
        *,
        currency: str = DEFAULT_CURRENCY,
        page_size: int = DEFAULT_PAGE_SIZE,
        ledger: TopUpLedger | None = None,
    ) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        self._client = client
        self._clock = clock
        self._currency = currency
        self._page_size = page_size
        self._ledger = ledger or TopUpLedger()

    async def balances(self, msisdns: Sequence[str]) -> Mapping[str, BalanceRecord]:
        unique = list(dict.fromkeys(msisdns))
        found = await gather_all(self._balance(msisdn) for msisdn in unique)
        return {
            msisdn: record
            for msisdn, record in zip(unique, found, strict=True)
            if record is not None
        }

    async def charges(
        self, msisdns: Sequence[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[ChargeRecord]]:
        """Always empty: OCS keeps no TMF678-like history of applied charges (its usage
        records carry no rated amounts), so there is nothing to group into expenses."""
        return {}

    async def top_up(self, msisdn: str, amount: Money, idempotency_key: str) -> str:
        """Credit ``amount`` to the number as a new money bucket; its id is returned.

        The same key again returns the same bucket id without a second credit (within
        this process: OCS itself has no idempotency). Raises ValueError for an amount
        that is not positive, not in the billing currency or finer than OCS keeps;
        BackendNotFoundError for a number OCS does not know.
        """
        if amount.currency != self._currency:
            raise ValueError(f"billing is in {self._currency}, not {amount.currency}")
        if amount.amount <= 0:
            raise ValueError(f"a top-up must be positive, not {amount.amount}")
        text = format_cents(amount.amount)
        return await self._ledger.once(
            idempotency_key, (msisdn, amount), lambda: self._top_up(msisdn, text)
        )

    @property
    def client(self) -> OcsClient:
        return self._client

    @property
    def page_size(self) -> int:
        return self._page_size

    def now(self) -> datetime:
        return self._clock.now()

    def check_amount(self, amount: Money) -> None:
        if amount.currency != self._currency:
            raise ValueError(f"billing is in {self._currency}, not {amount.currency}")
        if amount.amount <= 0:
            raise ValueError(f"a top-up must be positive, not {amount.amount}")

    async def product_of(self, msisdn: str) -> str | None:
        """The number's product id; BackendNotFoundError when OCS has no such service."""
        return await self._product_of(msisdn)

    async def _balance(self, msisdn: str) -> BalanceRecord | None:
        try:
            product_id = await self._product_of(msisdn)
        except BackendNotFoundError:
            return None  # unknown to OCS: absent, like the v4 adapter's unknown numbers
        if product_id is None:
            return None  # a service with no product has no balance to show
        buckets = await self._buckets(product_id)
        # Every page was a 2xx (anything else raised already); OCS lists answer 200.
        with reading(self._client.name, "bucket", 200):
            return balance_from_buckets(msisdn, buckets, self._currency, self._clock.now())

    async def _product_of(self, msisdn: str) -> str | None:
        answer = await self._client.get(f"{SERVICE_API}/{service_id(msisdn)}")
        with reading(self._client.name, "service", answer.status):
            return _product_id(answer.body)

    async def _buckets(self, product_id: str) -> list[Any]:
        try:
            return await fetch_all(
                self._client,
                f"{BALANCE_API}/bucket",
                {"product.id": product_id},
                self._page_size,
                "bucket",
            )
        except BackendNotFoundError:
            # A query that matches nothing may come back as 404 rather than `[]`; a path
            # the system does not serve is a plain BackendResponseError, not this.
            return []

    async def _top_up(self, msisdn: str, amount: str) -> str:
        # Ask for the service first: OCS answers a top-up for an unknown product with a
        # 500 (a known fault), which would hide "no such number" behind "billing down".
        product_id = await self._product_of(msisdn)
        if product_id is None:
            raise BackendNotFoundError(
                self._client.name, f"service {service_id(msisdn)} has no product to top up"
            )
        body = {
            "type": "buckettype",
            "channel": {"name": TOP_UP_CHANNEL},
            "amount": {"units": CENTS, "amount": amount},
            # No `Z`: OCS answers 400 to a zoned timestamp.
            "validFor": {"startDateTime": format_ocs_timestamp(self._clock.now())},
        }
        path = f"{BALANCE_API}/service/{service_id(msisdn)}/balanceTopup"
        answer = await self._client.post(path, body)
        with reading(self._client.name, "balanceTopup", answer.status):
            return bucket_id(answer.body, answer.headers)


def _product_id(service: Any) -> str | None:
    if not isinstance(service, Mapping):
        raise ValueError("a service is not an object")
    product = service.get("product")
    # A plain id in 3.4 (`"product":"1795607397658-450"`); a ref is read too.
    if isinstance(product, Mapping):
        product = product.get("id")
    return str(product) if product else None


def bucket_id(body: object, headers: Mapping[str, str]) -> str:
    """The id of the bucket a `balanceTopup` made (a plain top-up's and the saga's credit's)."""
    if isinstance(body, Mapping) and body.get("id"):
        return str(body["id"])
    # Older releases answer 201 with no body, only the bucket's Location.
    location = headers.get("Location", "")
    found = location.rstrip("/").rpartition("/")[2]
    if not found:
        raise ValueError("the top-up answer names no bucket")
    return found


def build_ocs_billing(
    session: aiohttp.ClientSession,
    base_url: str,
    username: str,
    password: str,
    timeout: float,
    concurrency: int,
    clock: Clock,
    *,
    currency: str = DEFAULT_CURRENCY,
    page_size: int = DEFAULT_PAGE_SIZE,
    guard: CallGuard | None = None,
) -> OcsBilling:
    """The OCS billing adapter on the app's shared session, for
    ``TGW_BILLING_DIALECT=sigscale-ocs``; ``concurrency`` caps its requests in flight;
    ``guard`` is the breaker, retries and metrics its calls go through."""
    client = OcsClient(
        BACKEND_NAME,
        session,
        base_url,
        aiohttp.encode_basic_auth(username, password),
        timeout,
        concurrency,
        guard,
    )
    return OcsBilling(client, clock, currency=currency, page_size=page_size)
