"""Misconfiguration is loud: a start-up error, or /readyz not ready with the reason, or
BACKEND_ERROR with a log line; never a silent "unknown number" or a card charged for
nothing (issue 22, recorded against a real SigScale OCS)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pydantic import ValidationError

from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from gateway.settings import Settings
from tests.conftest import SettingsFactory
from tests.harness.gateway import GatewayClient
from tests.money.conftest import MoneyBackends, gateway_on

BALANCE = """query($m: Msisdn!) { subscriber(msisdn: $m) { balance { money { amount } } } }"""
TOP_UP = """mutation($m: Msisdn!, $k: String) {
  topUp(msisdn: $m, amount: "100", paymentMethod: {cardToken: "tok_visa"}, idempotencyKey: $k) {
    topUpId userErrors { code } } }"""
NUMBER = "+79000000021"


def test_ocs_without_a_payments_url_refuses_to_start() -> None:
    with pytest.raises(ValidationError, match="TGW_PAYMENTS_URL is required"):
        Settings(
            _env_file=None,
            billing_dialect="sigscale-ocs",
            billing_username=DEFAULT_USERNAME,
            billing_password=DEFAULT_PASSWORD,
        )


async def _readyz(gateway: GatewayClient) -> tuple[int, dict[str, Any]]:
    async with gateway.session.get(f"{gateway.url}/readyz") as response:
        body: dict[str, Any] = await response.json()
        return response.status, body


async def test_readyz_proves_ocs_credentials_and_base_path(
    make_settings: SettingsFactory, ocs_money: MoneyBackends
) -> None:
    async with gateway_on(make_settings, ocs_money) as gateway:
        status, ready = await _readyz(gateway)
        assert ready["checks"]["billing"]["reachable"] is True, ready
        assert ready["checks"]["payments"]["reachable"] is True, ready

    async with gateway_on(make_settings, ocs_money, billing_password="wrong") as gateway:
        status, ready = await _readyz(gateway)
        assert status == 503
        assert ready["checks"]["billing"]["reachable"] is False
        assert "credentials" in ready["checks"]["billing"]["reason"]

    wrong_base = ocs_money.billing_url + "/tmf-api"
    async with gateway_on(make_settings, ocs_money, billing_url=wrong_base) as gateway:
        status, ready = await _readyz(gateway)
        assert status == 503
        assert "base URL" in ready["checks"]["billing"]["reason"]


async def test_a_wrong_base_path_is_a_backend_error_never_an_unknown_number(
    make_settings: SettingsFactory, ocs_money: MoneyBackends, caplog: pytest.LogCaptureFixture
) -> None:
    wrong_base = ocs_money.billing_url + "/tmf-api"
    with caplog.at_level(logging.ERROR):
        async with gateway_on(make_settings, ocs_money, billing_url=wrong_base) as gateway:
            token = gateway.subscriber_token(NUMBER)
            read = await gateway.query(BALANCE, {"m": NUMBER}, token=token)
            assert "BACKEND_ERROR" in read.codes, read.body
            paid = await gateway.query(TOP_UP, {"m": NUMBER, "k": "wrong-base-1"}, token=token)
            assert "BACKEND_ERROR" in paid.codes, paid.body
    assert any("base URL" in r.getMessage() for r in caplog.records), caplog.text
    # The number was never "unknown" and the card never touched.
    assert await ocs_money.books.payments(NUMBER) == []


async def test_the_billing_hub_registration_is_shown_on_readyz(
    make_settings: SettingsFactory, ocs_money: MoneyBackends
) -> None:
    """OCS's own hub takes the registration (a refused one, with its reason:
    tests/ocs/test_ocs_hub.py::test_a_failed_registration_is_on_readyz_with_its_reason)."""
    async with gateway_on(
        make_settings,
        ocs_money,
        hub_secret="a-hub-secret-for-this-test",
        callback_url="http://127.0.0.1:9/",
    ) as gateway:
        _, ready = await _readyz(gateway)
    hub = ready["checks"]["billing"]["hub"]
    assert hub.startswith("registered at SigScale OCS's hub (id "), ready
