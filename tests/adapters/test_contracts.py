"""Contract tests: each adapter against its real (simulated) backend over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import aiohttp
import pytest

from adapters.billing.http import HttpBilling
from adapters.http import BackendClient
from adapters.loyalty.http import HttpLoyalty
from adapters.provisioning.http import HttpProvisioning
from adapters.sms.http import HttpSms
from backends.runner import BackendsThread
from domain.provisioning import ProductStatus, ServiceCategory
from domain.quotas import QuotaKind
from tests.harness.clock import FakeClock

DEMO = "+79000000001"


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


def _client(session: aiohttp.ClientSession, name: str, url: str) -> BackendClient:
    return BackendClient(name, session, url, timeout=5)


async def test_billing_balances(backends: BackendsThread, session: aiohttp.ClientSession) -> None:
    billing = HttpBilling(_client(session, "billing", backends.billing_url), FakeClock())
    found = await billing.balances(
        [DEMO, "+79000000003", "+79000000004", "+79000000007", "+79990000000"]
    )

    assert set(found) == {DEMO, "+79000000003", "+79000000004", "+79000000007"}
    demo = found[DEMO]
    assert demo.money.amount == Decimal("412.50")
    assert demo.money.currency == "RUB"
    kinds = {q.kind for q in demo.quotas}
    assert {QuotaKind.DATA, QuotaKind.VOICE} <= kinds
    data = next(q for q in demo.quotas if q.kind is QuotaKind.DATA)
    assert data.total == 20.0
    assert 0 <= data.remaining <= 20.0
    assert data.unit == "GB"
    assert demo.next_charge_at is not None
    assert demo.next_charge_at > datetime.now(UTC)

    assert found["+79000000003"].money.amount == Decimal("-150.00")
    unlimited = [q for q in found["+79000000004"].quotas if q.kind is QuotaKind.DATA]
    assert unlimited
    assert unlimited[0].unlimited
    assert unlimited[0].total is None
    assert found["+79000000007"].quotas == ()


async def test_billing_charges(backends: BackendsThread, session: aiohttp.ClientSession) -> None:
    billing = HttpBilling(_client(session, "billing", backends.billing_url), FakeClock())
    end = datetime.now(UTC)
    start = end - timedelta(days=60)
    charges = await billing.charges([DEMO, "+79000000002"], start, end)

    assert charges[DEMO]
    for charge in charges[DEMO]:
        assert charge.msisdn == DEMO
        assert start <= charge.charged_at < end
        assert charge.amount.currency == "RUB"
        assert charge.category


async def test_provisioning_catalog(
    backends: BackendsThread, session: aiohttp.ClientSession
) -> None:
    provisioning = HttpProvisioning(_client(session, "provisioning", backends.provisioning_url))
    catalog = await provisioning.catalog()

    assert len(catalog.tariffs) == 5
    configurable = [t for t in catalog.tariffs if t.configurable]
    assert [t.id for t in configurable] == ["T-CONSTRUCTOR"]
    options = configurable[0].options
    assert options is not None
    assert [o.value for o in options.minutes] == [100, 200, 400, 800, 1500]
    assert [o.value for o in options.gigabytes] == [5, 10, 20, 40, 80]
    assert any(a.unlimited for t in catalog.tariffs for a in t.allowances)
    assert catalog.services
    assert catalog.packages
    assert {s.category for s in catalog.services} >= {
        ServiceCategory.ROAMING,
        ServiceCategory.RINGBACK,
    }


async def test_provisioning_per_number(
    backends: BackendsThread, session: aiohttp.ClientSession
) -> None:
    provisioning = HttpProvisioning(_client(session, "provisioning", backends.provisioning_url))
    products = await provisioning.products([DEMO, "+79000000007"])
    customers = await provisioning.customers([DEMO, "+79990000000"])
    links = await provisioning.links([DEMO, "+79000000008"])

    tariff = next(p for p in products[DEMO] if p.offering_id == "T-CONSTRUCTOR")
    assert tariff.status is ProductStatus.ACTIVE
    assert tariff.characteristic("minutes") == "400"
    assert tariff.characteristic("gigabytes") == "20"
    assert len([p for p in products[DEMO] if p.offering_id.startswith("S")]) >= 1
    assert any(p.offering_id == "T-CLASSIC" for p in products["+79000000007"])

    assert set(customers) == {DEMO}
    assert customers[DEMO].name
    assert customers[DEMO].region

    assert {(link.msisdn, link.alias) for link in links[DEMO]} == {
        ("+79000000005", "Мама"),
        ("+79000000006", "Дочь"),
    }
    assert not links.get("+79000000008")


async def test_loyalty(backends: BackendsThread, session: aiohttp.ClientSession) -> None:
    loyalty = HttpLoyalty(_client(session, "loyalty", backends.loyalty_url), FakeClock(), 300)
    promotions = await loyalty.promotions()
    activations = await loyalty.activations([DEMO, "+79000000008"])

    assert len(promotions) >= 5
    assert all(p.partner and p.title for p in promotions)
    assert len(activations[DEMO]) == 1
    assert activations[DEMO][0].promo_code
    assert activations[DEMO][0].promotion_id in {p.id for p in promotions}
    assert not activations.get("+79000000008")


async def test_sms_send_reaches_the_inbox(
    backends: BackendsThread, session: aiohttp.ClientSession
) -> None:
    sms = HttpSms(_client(session, "sms", backends.sms_url), sender="Tele2")
    message_id = await sms.send("+79000000042", "Ваш код: 123456")

    async with session.get(
        f"{backends.sms_url}/admin/messages", params={"msisdn": "+79000000042"}
    ) as response:
        inbox = await response.json()
    assert inbox[0]["id"] == message_id
    assert inbox[0]["content"] == "Ваш код: 123456"
