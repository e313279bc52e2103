"""Refresh tokens: rotation, reuse detection, logout, expiry."""

from __future__ import annotations

from typing import Any

from tests.api.auth_queries import LOG_IN_PASSWORD, LOG_OUT, REFRESH
from tests.conftest import GatewayFactory
from tests.harness.clock import FakeClock
from tests.harness.gateway import GatewayClient

DEMO = "+79000000001"


async def _log_in(gateway: GatewayClient) -> dict[str, Any]:
    answer = await gateway.query(LOG_IN_PASSWORD, {"m": DEMO, "p": "demo-password"})
    assert answer.errors == []
    tokens: dict[str, Any] = answer.data["logInWithPassword"]
    return tokens


async def test_refresh_rotates_the_token(gateway: GatewayClient) -> None:
    first = await _log_in(gateway)
    second = (await gateway.query(REFRESH, {"t": first["refreshToken"]})).data["refreshSession"]
    assert second["refreshToken"] != first["refreshToken"]
    assert second["subscriber"] == {"msisdn": DEMO}
    me = await gateway.query("{ me { msisdn } }", token=second["accessToken"])
    assert me.data == {"me": {"msisdn": DEMO}}
    third = await gateway.query(REFRESH, {"t": second["refreshToken"]})
    assert third.errors == []


async def test_a_reused_refresh_token_revokes_the_whole_family(gateway: GatewayClient) -> None:
    first = await _log_in(gateway)
    second = (await gateway.query(REFRESH, {"t": first["refreshToken"]})).data["refreshSession"]

    replay = await gateway.query(REFRESH, {"t": first["refreshToken"]})
    assert replay.codes == ["INVALID_REFRESH_TOKEN"]
    assert "revoked" in replay.errors[0]["message"]
    # The legitimate newest token died with its family.
    after = await gateway.query(REFRESH, {"t": second["refreshToken"]})
    assert after.codes == ["INVALID_REFRESH_TOKEN"]


async def test_other_sessions_survive_a_revoked_family(gateway: GatewayClient) -> None:
    phone = await _log_in(gateway)
    laptop = await _log_in(gateway)
    await gateway.query(REFRESH, {"t": phone["refreshToken"]})
    await gateway.query(REFRESH, {"t": phone["refreshToken"]})  # reuse: phone's family dies
    assert (await gateway.query(REFRESH, {"t": laptop["refreshToken"]})).errors == []


async def test_log_out(gateway: GatewayClient) -> None:
    tokens = await _log_in(gateway)
    assert (await gateway.query(LOG_OUT, {"t": tokens["refreshToken"]})).data == {"logOut": True}
    assert (await gateway.query(REFRESH, {"t": tokens["refreshToken"]})).codes == [
        "INVALID_REFRESH_TOKEN"
    ]
    assert (await gateway.query(LOG_OUT, {"t": tokens["refreshToken"]})).codes == [
        "INVALID_REFRESH_TOKEN"
    ]


async def test_garbage_refresh_tokens(gateway: GatewayClient) -> None:
    for token in ["", "nodot", "a.b", "x" * 500, "ffff.notreal"]:
        assert (await gateway.query(REFRESH, {"t": token})).codes == ["INVALID_REFRESH_TOKEN"]


async def test_a_refresh_token_expires(start_gateway: GatewayFactory) -> None:
    clock = FakeClock()
    async with start_gateway(clock) as gateway:
        tokens = await _log_in(gateway)
        clock.advance(30 * 86400 + 1)
        answer = await gateway.query(REFRESH, {"t": tokens["refreshToken"]})
    assert answer.codes == ["INVALID_REFRESH_TOKEN"]


async def test_sessions_work_in_process_too(start_gateway: GatewayFactory) -> None:
    async with start_gateway(use_redis=False) as gateway:
        first = await _log_in(gateway)
        second = await gateway.query(REFRESH, {"t": first["refreshToken"]})
        assert second.errors == []
        assert (await gateway.query(REFRESH, {"t": first["refreshToken"]})).codes == [
            "INVALID_REFRESH_TOKEN"
        ]
