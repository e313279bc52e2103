"""A number's records are read ahead of its fields (resolvers/read_ahead.py): a failing
backend is still asked once per request, and its error still reaches the field."""

from __future__ import annotations

from tests.conftest import GatewayFactory
from tests.harness.backends import BackendAdmin
from tests.harness.clock import FakeClock

NUMBER = "+79000000001"
QUERY = "query { me { name balance { money { amount } } } }"


async def test_a_failed_read_is_not_asked_again_by_its_field(
    start_gateway: GatewayFactory, admins: dict[str, BackendAdmin]
) -> None:
    # One try per read, nothing kept: each billing request below is one batch's.
    async with start_gateway(FakeClock(), retry_attempts=1, answer_ttl=0) as gateway:
        await admins["billing"].faults(error_rate=1.0)
        await admins["billing"].reset()
        try:
            result = await gateway.query(QUERY, token=gateway.subscriber_token(NUMBER))
        finally:
            await admins["billing"].clear_faults()
        billing_calls = await admins["billing"].count("/bucket")

    assert result.data == {"me": {"name": result.data["me"]["name"], "balance": None}}
    assert result.data["me"]["name"]
    [error] = result.errors
    assert error["path"] == ["me", "balance"]
    assert error["extensions"]["code"] == "BACKEND_ERROR"
    # Read ahead, failed, and the field's own load heard the same failure.
    assert billing_calls == 1
