"""A top-up whose gateway process is really killed (SIGKILL) in the middle, finished by the
next process's recovery worker once the dead owner's lease has run out (issue #22).

`telecom-gateway serve` runs as a subprocess on a real Redis; the simulators hold the saga
exactly at a boundary (a fault that holds one backend call), the test waits until the step
before it has acted at the backend, kills the process, clears the fault and starts a new
one. Nothing tells the new process about the saga: its recovery worker finds it in the
open index, waits out the dead owner's lease and finishes it. Then the books agree exactly
(captured minus refunded at payments == credited at billing) and the client's retry with
the same Idempotency-Key gets the final outcome.

The boundaries, and the hold that stops the saga there:
- after the authorization: the credit is held at billing (`hang_path`);
- after the credit, before the capture: the capture is held at payments (`hang`);
- after the capture, before the answer: the capture is made and its answer held
  (`hang_after`), so payments has taken the money and the saga log still says capturing.
  The last instant (DONE written, the answer not yet sent) has no backend call to hold;
  a process killed there left a finished saga, which a retry just reads.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis

from adapters.clock import SystemClock
from adapters.idempotency.port import ClaimState
from adapters.sagas.redis_store import RedisSagaLog
from backends.ocs.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME
from backends.runner import BackendsThread
from domain.payments import MethodKind, PaymentMethodSpec
from domain.principals import SubscriberPrincipal
from gateway.runtime import build_tokens
from gateway.settings import Settings
from resolvers.actions.payments import _method_inputs
from resolvers.idempotency import RUNNING_TTL, _fingerprint
from resolvers.money.saga_record import Step, TopUpSaga
from tests.conftest import SettingsFactory
from tests.harness.gateway import TEST_SECRET, Answer, GatewayClient
from tests.harness.network import free_port
from tests.harness.serve_process import serve_env
from tests.money.conftest import MoneyBackends, gateway_on

TOP_UP = """mutation($m: Msisdn!, $a: Decimal!, $p: PaymentMethodInput!) {
  topUp(msisdn: $m, amount: $a, paymentMethod: $p) {
    topUpId amount { amount } userErrors { field code message }
  } }"""
CARD_TOKEN = PaymentMethodSpec(MethodKind.CARD_TOKEN, "tok_visa")
BOUND = 30.0  # seconds any wait may take before the test fails (two cores, shared)


async def until(condition: Callable[[], Awaitable[Any]], what: str) -> Any:
    """The condition's first truthy value, polled with a bound."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BOUND
    while True:
        value = await condition()
        if value:
            return value
        assert loop.time() < deadline, f"not within {BOUND}s: {what}"
        # Another process acts on its own: nothing to await but looking again.
        await asyncio.sleep(0.05)


class Served:
    """One `serve` process (one worker: the process is the gateway) on the shared Redis."""

    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process = process
        self.url = url

    async def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        assert await self.process.wait() == -signal.SIGKILL


@asynccontextmanager
async def serve(
    env: dict[str, str], http: aiohttp.ClientSession, log: Path
) -> AsyncIterator[Served]:
    port = free_port()
    with log.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gateway", "serve", "--workers", "1", "--port", str(port),
            env=env, stderr=stderr, stdout=stderr,
        )  # fmt: skip
    served = Served(process, f"http://127.0.0.1:{port}")
    try:

        async def up() -> bool:
            assert process.returncode is None, f"serve exited; its log: {log}"
            try:
                async with http.get(f"{served.url}/healthz") as answer:
                    return answer.status == 200
            except aiohttp.ClientConnectionError:
                return False

        await until(up, "the gateway serves")
        yield served
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


def gateway_env(
    money: MoneyBackends, backends: BackendsThread, redis_url: str, namespace: str
) -> dict[str, str]:
    env = serve_env(
        backends,
        TEST_SECRET,
        redis_url,
        TGW_BILLING_DIALECT=money.dialect,
        TGW_BILLING_URL=money.billing_url,
        TGW_PAYMENTS_URL=money.payments_url,
        TGW_BILLING_USERNAME=DEFAULT_USERNAME,
        TGW_BILLING_PASSWORD=DEFAULT_PASSWORD,
        TGW_CACHE_NAMESPACE=namespace,
        # Short, so the dead owner's lease runs out and recovery comes round quickly, yet
        # long enough (with a call timeout beyond it) that the kill lands inside the
        # lease: the next process must wait it out, the path a real crash takes.
        TGW_SAGA_LEASE_SECONDS="3",
        TGW_BILLING_TIMEOUT="10",
        TGW_SAGA_RECOVERY_INTERVAL="0.2",
        TGW_SAGA_SETTLE_SECONDS="0.5",
        # Faults here are on purpose: a breaker opening would only slow the settling down.
        TGW_BREAKER_FAILURES="1000",
    )
    env.pop("TGW_HUB_SECRET", None)
    return env


async def top_up(
    http: aiohttp.ClientSession, served: Served, msisdn: str, amount: str, key: str
) -> dict[str, Any]:
    token = build_tokens(Settings(_env_file=None), SystemClock(), TEST_SECRET).mint(
        SubscriberPrincipal(msisdn)
    )
    body = {
        "query": TOP_UP,
        "variables": {"m": msisdn, "a": amount, "p": {"cardToken": CARD_TOKEN.value}},
    }
    headers = {"authorization": f"Bearer {token}", "idempotency-key": key}
    async with http.post(f"{served.url}/graphql", json=body, headers=headers) as answer:
        found: dict[str, Any] = await answer.json()
        return found


async def put(http: aiohttp.ClientSession, url: str, faults: dict[str, Any]) -> None:
    async with http.put(url, json=faults) as answer:
        answer.raise_for_status()


async def payment_status(money: MoneyBackends, msisdn: str, status: str) -> bool:
    return any(p["status"] == status for p in await money.books.payments(msisdn))


def hold_credit(money: MoneyBackends) -> tuple[str, dict[str, Any], dict[str, Any]]:
    path = "balanceTopup" if money.dialect == "sigscale-ocs" else "topupBalance"
    return f"{money.billing_url}/admin/faults", {"hang_path": path}, {"hang_path": ""}


def hold_capture(money: MoneyBackends, mode: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    return f"{money.payments_url}/admin/payment-faults", {"capture": mode}, {"capture": ""}


BOUNDARIES: dict[str, Any] = {
    # name: (the hold, what shows at the backend that the step before it has acted)
    "after-the-authorization": (
        hold_credit,
        lambda money, msisdn: payment_status(money, msisdn, "authorized"),
    ),
    "after-the-credit": (
        lambda money: hold_capture(money, "hang"),
        lambda money, msisdn: money.books.credits(msisdn),
    ),
    "after-the-capture": (
        lambda money: hold_capture(money, "hang_after"),
        lambda money, msisdn: payment_status(money, msisdn, "captured"),
    ),
}


@pytest.mark.parametrize("boundary", list(BOUNDARIES))
async def test_a_gateway_killed_mid_top_up_is_finished_by_the_next_process(
    money: MoneyBackends,
    backends: BackendsThread,
    redis_url: str,
    http: aiohttp.ClientSession,
    tmp_path: Path,
    boundary: str,
) -> None:
    hold, acted = BOUNDARIES[boundary]
    fault_url, on, off = hold(money)
    msisdn, amount, key = "+79000000021", "140", f"kill-{uuid.uuid4().hex}"
    namespace = f"tgw-kill-{uuid.uuid4().hex[:8]}"
    env = gateway_env(money, backends, redis_url, namespace)
    redis = Redis.from_url(redis_url)
    log = RedisSagaLog(redis, namespace)
    try:
        async with serve(env, http, tmp_path / "serve.log") as first:
            await put(http, fault_url, on)
            try:
                # The answer never comes: the process dies under it.
                pending = asyncio.ensure_future(top_up(http, first, msisdn, amount, key))
                await until(lambda: acted(money, msisdn), f"the step before {boundary} acted")
                saga_ids = await until(lambda: log.open_ids(10), "the saga is in the log")
                assert len(saga_ids) == 1, saga_ids
                await first.kill()
                # The dead process still owns the saga: only the lease running out frees it.
                lease = f"{namespace}:saga-lease:{saga_ids[0]}"
                assert await redis.exists(lease), "killed while holding the saga's lease"
            finally:
                await put(http, fault_url, off)
            with pytest.raises(aiohttp.ClientError):
                await asyncio.wait_for(pending, BOUND)
        saga_id = saga_ids[0]
        raw = await log.load(saga_id)
        assert raw is not None
        assert not TopUpSaga.decode(raw).finished, "killed before it was done"

        async with serve(env, http, tmp_path / "serve.log") as restarted:

            async def done() -> TopUpSaga | None:
                raw = await log.load(saga_id)
                saga = TopUpSaga.decode(raw) if raw is not None else None
                return saga if saga is not None and saga.finished else None

            # No request about it reaches the new process: its recovery worker finds it.
            saga = await until(done, "the restarted gateway finished the saga")
            assert saga.step is Step.DONE
            retried = await asyncio.wait_for(top_up(http, restarted, msisdn, amount, key), BOUND)
        assert retried.get("errors") is None, retried
        assert retried["data"]["topUp"]["userErrors"] == []
        assert retried["data"]["topUp"]["topUpId"] == saga.credit_id
        books = money.books
        assert await books.taken(msisdn) == await books.credited(msisdn) == Decimal(amount)
        assert await books.held(msisdn) == 0
        assert await books.credits(msisdn) == 1
        assert await log.open_ids(10) == []
    finally:
        await redis.aclose()


async def test_a_retry_is_not_kept_waiting_by_a_dead_processs_idempotency_claim(
    make_settings: SettingsFactory, money: MoneyBackends
) -> None:
    """In process, the claim a killed process leaves behind (running, for RUNNING_TTL):
    once recovery has finished the saga, the retry answers its outcome at once rather than
    waiting on the claim and failing IDEMPOTENCY_IN_PROGRESS (what the kill tests found)."""
    msisdn, amount, key = "+79000000022", "90", f"kill-{uuid.uuid4().hex}"
    async with gateway_on(make_settings, money) as first:
        assert first.runtime.recovery is not None
        await first.runtime.recovery.stop()
        first.runtime.ports.top_ups.checkpoint = crash_at("credited")  # type: ignore[union-attr]
        crashed = await asyncio.wait_for(in_process_top_up(first, msisdn, amount, key), BOUND)
        assert crashed.errors, crashed.body
        # The claim as a killed process leaves it: taken, never finished nor released.
        inputs = {"msisdn": msisdn, "amount": amount, "method": _method_inputs(CARD_TOKEN)}
        left = await first.runtime.ports.idempotency.claim(
            f"{msisdn}:topUp:{key}", _fingerprint("topUp", inputs), RUNNING_TTL
        )
        assert left.state is ClaimState.CLAIMED
    async with gateway_on(make_settings, money) as restarted:
        sagas = restarted.runtime.ports.top_ups
        assert sagas is not None

        async def done() -> bool:
            return bool(await sagas.log.open_ids(10) == [])

        await until(done, "recovery finished the saga")
        retried = await asyncio.wait_for(in_process_top_up(restarted, msisdn, amount, key), BOUND)
    assert retried.errors == [], retried.body
    assert retried.data["topUp"]["userErrors"] == []
    assert retried.data["topUp"]["topUpId"]
    assert await money.books.taken(msisdn) == await money.books.credited(msisdn) == Decimal(90)


def crash_at(boundary: str) -> Callable[[str], Awaitable[None]]:
    async def checkpoint(reached: str) -> None:
        if reached == boundary:
            raise RuntimeError(f"the process dies at {boundary}")

    return checkpoint


async def in_process_top_up(gateway: GatewayClient, msisdn: str, amount: str, key: str) -> Answer:
    return await gateway.query(
        TOP_UP,
        {"m": msisdn, "a": amount, "p": {"cardToken": CARD_TOKEN.value}},
        token=gateway.subscriber_token(msisdn),
        headers={"idempotency-key": key},
    )
