"""Injected faults, request counters and the admin routes, over HTTP."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from tests.backends.simulators import Simulators

BUCKETS = "/tmf-api/prepayBalanceManagement/v4/bucket"
PROMOTIONS = "/tmf-api/promotionManagement/v4/promotion"
PERMISSIONS = "/userrolepermission/v4/permission"


async def test_health(sim: Simulators) -> None:
    for service in sim.urls:
        assert await sim.get_ok(service, "/admin/health") == {"status": "ok"}


async def test_requests_are_counted_per_route_and_reset(sim: Simulators) -> None:
    assert (await sim.request("DELETE", "provisioning", "/admin/requests")).status == 204
    await sim.get_ok("provisioning", PERMISSIONS, **{"user.id": "+79000000001"})
    await sim.get_ok("provisioning", PERMISSIONS, **{"user.id": "+79000000002"})
    await sim.get_ok("provisioning", f"{PERMISSIONS}/PRM-1")
    await sim.get("provisioning", f"{PERMISSIONS}/PRM-0")
    counts = await sim.get_ok("provisioning", "/admin/requests")
    assert counts == {
        f"GET {PERMISSIONS}": 2,
        f"GET {PERMISSIONS}/{{id}}": 2,
    }
    assert (await sim.request("DELETE", "provisioning", "/admin/requests")).status == 204
    assert await sim.get_ok("provisioning", "/admin/requests") == {}


async def test_faults_read_back_and_partial_update(faults: Simulators) -> None:
    reply = await faults.set_faults("loyalty", latency_ms=5)
    assert reply.body == {
        "latency_ms": 5,
        "jitter_ms": 0,
        "error_rate": 0,
        "hang": False,
        "down": False,
        "lose_answer": False,
        "refuse_path": "",
        "hang_path": "",
    }
    await faults.set_faults("loyalty", jitter_ms=1)
    current = await faults.get_ok("loyalty", "/admin/faults")
    assert (current["latency_ms"], current["jitter_ms"]) == (5, 1)


async def test_bad_fault_settings_are_400(faults: Simulators) -> None:
    for changes in ({"latency": 5}, {"latency_ms": -1}, {"error_rate": 2}, {"hang": "yes"}):
        reply = await faults.set_faults("loyalty", **changes)
        assert reply.status == 400, changes
        assert reply.body["@type"] == "Error"
    assert (await faults.get_ok("loyalty", "/admin/faults"))["latency_ms"] == 0


async def test_latency(faults: Simulators) -> None:
    await faults.set_faults("loyalty", latency_ms=300, jitter_ms=50)
    started = time.perf_counter()
    await faults.get_ok("loyalty", PROMOTIONS)
    assert time.perf_counter() - started >= 0.28


async def test_admin_routes_are_exempt_from_faults(faults: Simulators) -> None:
    # So a broken service can always be repaired: a hung admin route would never answer.
    await faults.set_faults("loyalty", hang=True, error_rate=1.0)
    assert (await faults.get_ok("loyalty", "/admin/faults"))["hang"] is True


async def test_error_rate_one_fails_every_request_and_counts_it(faults: Simulators) -> None:
    await faults.request("DELETE", "billing", "/admin/requests")
    await faults.set_faults("billing", error_rate=1.0)
    for _ in range(3):
        reply = await faults.get("billing", BUCKETS, **{"logicalResource.id": "+79000000001"})
        assert reply.status == 500
        assert reply.body["@type"] == "Error"
        assert reply.body["code"] == "INJECTED_FAULT"
    assert await faults.get_ok("billing", "/admin/requests") == {f"GET {BUCKETS}": 3}
    await faults.set_faults("billing", error_rate=0.0)
    await faults.get_ok("billing", BUCKETS, **{"logicalResource.id": "+79000000001"})


async def test_hang_holds_requests_until_cleared(faults: Simulators) -> None:
    await faults.set_faults("loyalty", hang=True)
    pending = asyncio.ensure_future(faults.get("loyalty", PROMOTIONS))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.shield(pending), timeout=0.3)
    assert not pending.done()
    await faults.set_faults("loyalty", hang=False)
    reply = await asyncio.wait_for(pending, timeout=5)
    assert reply.status == 200
    assert len(reply.body) == 8


async def test_down_drops_the_connection(faults: Simulators) -> None:
    await faults.set_faults("sms", down=True)
    with pytest.raises(aiohttp.ClientConnectionError):
        await faults.get("sms", "/tmf-api/communicationManagement/v4/communicationMessage")
    assert (await faults.get_ok("sms", "/admin/faults"))["down"] is True
    await faults.set_faults("sms", down=False)
    await faults.get_ok("sms", "/tmf-api/communicationManagement/v4/communicationMessage")
