"""The whole gateway in front of billing in the SigScale OCS dialect, by configuration only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from backends.runner import BackendsConfig, BackendsThread
from tests.api.queries import BALANCE, HOME_SCREEN
from tests.conftest import SettingsFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient, running_gateway
from tests.harness.loopback_app import serving

DEMO = "+79000000001"


@pytest.fixture(scope="module")
def ocs_backends() -> Iterator[BackendsThread]:
    with BackendsThread(
        BackendsConfig(size=400, seed=42, billing_dialect="sigscale-ocs")
    ) as running:
        yield running


def _on_ocs(
    make_settings: SettingsFactory, backends: BackendsThread, billing_url: str, **overrides: Any
) -> dict[str, Any]:
    return {
        "billing_dialect": "sigscale-ocs",
        "billing_url": billing_url,
        "billing_username": DEFAULT_USERNAME,
        "billing_password": DEFAULT_PASSWORD,
        # OCS takes no payments: the TMF v4 simulator's payments stand in for the PSP.
        "payments_url": make_settings().billing_url,
        "provisioning_url": backends.provisioning_url,
        "sms_url": backends.sms_url,
        "loyalty_url": backends.loyalty_url,
        **overrides,
    }


def _gateway(
    make_settings: SettingsFactory,
    backends: BackendsThread,
    billing_url: str,
    clock: FakeClock | None = None,
    **overrides: Any,
) -> AbstractAsyncContextManager[GatewayClient]:
    settings = make_settings(**_on_ocs(make_settings, backends, billing_url, **overrides))
    return running_gateway(settings, clock)


async def test_the_home_screen_on_ocs(
    make_settings: SettingsFactory, ocs_backends: BackendsThread
) -> None:
    async with _gateway(make_settings, ocs_backends, ocs_backends.billing_url) as gateway:
        answer = await gateway.query(HOME_SCREEN, token=gateway.subscriber_token(DEMO))
    assert answer.errors == []
    me = answer.data["me"]
    assert me["balance"]["money"] == {"amount": "412.50", "currency": "RUB"}
    kinds = {q["kind"] for q in me["balance"]["quotas"]}
    assert {"DATA", "VOICE"} <= kinds
    assert me["tariff"]["id"] == "T-CONSTRUCTOR"
    # OCS keeps no charge history: no spending categories, and not invented.
    assert me["expenses"] == []


@pytest.mark.parametrize("use_redis", [True, False], ids=["redis", "in-process"])
async def test_caching_on_ocs(
    make_settings: SettingsFactory,
    ocs_backends: BackendsThread,
    http: aiohttp.ClientSession,
    use_redis: bool,
) -> None:
    billing = BackendAdmin("billing", ocs_backends.billing_url, http)
    clock = FakeClock()
    async with _gateway(
        make_settings,
        ocs_backends,
        ocs_backends.billing_url,
        clock,
        use_redis=use_redis,
        answer_ttl=0,
    ) as gateway:
        token = gateway.subscriber_token(DEMO)
        await billing.reset()
        first = await gateway.query(BALANCE, token=token)
        second = await gateway.query(BALANCE, token=token)
        calls = sum((await billing.counts()).values())
        clock.advance(31)
        await gateway.query(BALANCE, token=token)
        later = sum((await billing.counts()).values())
    assert first.data == second.data
    assert calls == 2, "one service lookup and one bucket list, once"
    assert later == 4


@pytest.fixture
async def html_billing() -> AsyncIterator[str]:
    async def broken(request: web.Request) -> web.Response:
        return web.Response(
            status=500,
            text="<html><body><h1>Internal Server Error</h1></body></html>",
            content_type="text/html",
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", broken)
    async with serving(app) as url:
        yield url


async def test_an_html_error_page_is_a_backend_error_for_balance_only(
    make_settings: SettingsFactory, ocs_backends: BackendsThread, html_billing: str
) -> None:
    async with _gateway(make_settings, ocs_backends, html_billing) as gateway:
        answer = await gateway.query(HOME_SCREEN, token=gateway.subscriber_token(DEMO))
    failed = {tuple(e["path"]) for e in answer.errors}
    assert ("me", "balance") in failed
    assert {e["extensions"]["code"] for e in answer.errors} == {"BACKEND_ERROR"}
    assert answer.data["me"]["balance"] is None
    assert answer.data["me"]["tariff"]["id"] == "T-CONSTRUCTOR"
    assert answer.data["me"]["offers"]


async def test_a_top_up_on_ocs(
    make_settings: SettingsFactory, ocs_backends: BackendsThread, backends: BackendsThread
) -> None:
    """Payments stay with the payment system (TMF676); the credit goes to OCS."""
    number = "+79000000011"
    top_up = """mutation($m: Msisdn!, $k: String) { topUp(msisdn: $m, amount: "250.75",
      paymentMethod: {cardToken: "tok_visa"}, idempotencyKey: $k) {
      topUpId userErrors { code } subscriber { balance { money { amount } } } } }"""
    async with _gateway(
        make_settings, ocs_backends, ocs_backends.billing_url, payments_url=backends.billing_url
    ) as gateway:
        token = gateway.subscriber_token(number)
        before = await gateway.query(
            BALANCE.replace("me", f'subscriber(msisdn: "{number}")'), token=token
        )
        amount_before = before.data["subscriber"]["balance"]["money"]["amount"]
        variables = {"m": number, "k": "ocs-top-up-test-0001"}
        first = await gateway.query(top_up, variables, token=token)
        again = await gateway.query(top_up, variables, token=token)
    payload = first.data["topUp"]
    assert payload["userErrors"] == []
    assert payload["topUpId"] == again.data["topUp"]["topUpId"]
    from decimal import Decimal

    after = Decimal(payload["subscriber"]["balance"]["money"]["amount"])
    assert after == Decimal(amount_before) + Decimal("250.75")


@pytest.mark.parametrize("use_redis", [True, False], ids=["redis", "in-process"])
async def test_next_charge_is_null_on_ocs_fresh_and_cached(
    make_settings: SettingsFactory,
    ocs_backends: BackendsThread,
    http: aiohttp.ClientSession,
    use_redis: bool,
) -> None:
    """OCS's product names no renewal (docs/backends.md): null, never a bucket's end, and
    still null when the balance comes from the cache."""
    query = "{ me { balance { nextChargeAt quotas { validUntil } } } }"
    billing = BackendAdmin("billing", ocs_backends.billing_url, http)
    async with _gateway(
        make_settings, ocs_backends, ocs_backends.billing_url, use_redis=use_redis, answer_ttl=0
    ) as gateway:
        token = gateway.subscriber_token(DEMO)
        fresh = await gateway.query(query, token=token)
        await billing.reset()
        cached = await gateway.query(query, token=token)
        calls = sum((await billing.counts()).values())
    assert calls == 0, "the second read came from the cache"
    for answer in (fresh, cached):
        balance = answer.data["me"]["balance"]
        # The quotas have ends: a bucket's end was there to be taken, and was not.
        assert all(q["validUntil"] for q in balance["quotas"])
        assert balance["quotas"]
        assert balance["nextChargeAt"] is None
