"""Start all five simulators at once, on free ports, for the demo, tests and benches.

``start_backends`` runs them in the current event loop; ``BackendsThread`` runs them in a
thread of their own (its own event loop), so synchronous code and other event loops
(a pytest session, a uvicorn server) can use them by URL.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from types import TracebackType

from aiohttp import web

from backends.billing.app import create_app as create_tmf_billing_app
from backends.config import DEFAULT_ORDER_STEP_MS, ServiceConfig
from backends.dataset import World, build_world
from backends.kit.faults import Faults
from backends.loyalty.app import create_app as create_loyalty_app
from backends.ocs.dialect import TMF_V4, billing_app_factory
from backends.provisioning.app import create_app as create_provisioning_app
from backends.sms.app import create_app as create_sms_app
from backends.support.app import create_app as create_support_app

# Hung requests are released at shutdown, so this only bounds slow in-flight handlers.
_SHUTDOWN_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class BackendsConfig:
    """The world (size, seed), where to listen, and the faults each service starts with.

    ``latency_ms`` is a baseline latency for every service whose own faults are not given
    (the demo's "make the backends feel remote"); ``<service>_faults`` replace it.
    ``billing_dialect`` picks the billing simulator: ``"tmf-v4"`` or ``"sigscale-ocs"``.
    """

    size: int = 10_000
    seed: int = 42
    host: str = "127.0.0.1"
    latency_ms: float = 0.0
    billing_faults: Faults | None = None
    provisioning_faults: Faults | None = None
    sms_faults: Faults | None = None
    loyalty_faults: Faults | None = None
    support_faults: Faults | None = None
    billing_dialect: str = TMF_V4
    # The write side: the key of X-Hub-Signature on events (None: unsigned), and how long
    # an order or a statement stays in each state (0: done within the POST).
    hub_secret: str | None = None
    order_step_ms: float = DEFAULT_ORDER_STEP_MS

    def faults_of(self, given: Faults | None) -> Faults:
        return given if given is not None else Faults(latency_ms=self.latency_ms)


@dataclass(frozen=True)
class RunningBackends:
    """The five services' base URLs (``http://127.0.0.1:41234``) and how to stop them."""

    billing_url: str
    provisioning_url: str
    sms_url: str
    loyalty_url: str
    support_url: str
    world: World
    _runners: tuple[web.AppRunner, ...] = field(repr=False)
    # The payment system (TMF676/670): billing itself in the v4 dialect; beside a
    # SigScale OCS (which takes no payments), a v4 simulator serving only as payments.
    payments_url: str = ""

    @property
    def urls(self) -> dict[str, str]:
        return {
            "billing": self.billing_url,
            "provisioning": self.provisioning_url,
            "sms": self.sms_url,
            "loyalty": self.loyalty_url,
            "support": self.support_url,
        }

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()


async def start_backends(config: BackendsConfig | None = None) -> RunningBackends:
    """Start the five services in the running event loop, each on a free port."""
    config = config or BackendsConfig()
    create_billing_app = billing_app_factory(config.billing_dialect)
    # One world for all five: building it is the only slow part of starting up.
    world = build_world(config.size, config.seed)

    # Filled once every service listens: billing mails through SMS, provisioning charges
    # through billing.
    peers: dict[str, str] = {}

    def service(faults: Faults) -> ServiceConfig:
        return ServiceConfig(
            size=config.size,
            seed=config.seed,
            faults=faults,
            world=world,
            hub_secret=config.hub_secret,
            order_step_ms=config.order_step_ms,
            peers=peers,
        )

    factories: list[tuple[Callable[[ServiceConfig], web.Application], Faults]] = [
        (create_billing_app, config.faults_of(config.billing_faults)),
        (create_provisioning_app, config.faults_of(config.provisioning_faults)),
        (create_sms_app, config.faults_of(config.sms_faults)),
        (create_loyalty_app, config.faults_of(config.loyalty_faults)),
        (create_support_app, config.faults_of(config.support_faults)),
    ]
    runners: list[web.AppRunner] = []
    urls: list[str] = []
    try:
        for create_app, faults in factories:
            runner = web.AppRunner(
                create_app(service(faults)),
                access_log=None,
                shutdown_timeout=_SHUTDOWN_TIMEOUT_SECONDS,
            )
            await runner.setup()
            runners.append(runner)
            await web.TCPSite(runner, config.host, 0).start()
            host, port = runner.addresses[0][:2]
            urls.append(f"http://{_url_host(host)}:{port}")
    except BaseException:
        for runner in runners:
            await runner.cleanup()
        raise
    billing, provisioning, sms, loyalty, support = urls
    payments = billing
    if config.billing_dialect != TMF_V4:
        runner = web.AppRunner(
            create_tmf_billing_app(service(config.faults_of(config.billing_faults))),
            access_log=None,
            shutdown_timeout=_SHUTDOWN_TIMEOUT_SECONDS,
        )
        await runner.setup()
        runners.append(runner)
        await web.TCPSite(runner, config.host, 0).start()
        host, port = runner.addresses[0][:2]
        payments = f"http://{_url_host(host)}:{port}"
    peers.update(
        billing=billing, provisioning=provisioning, sms=sms, loyalty=loyalty, support=support
    )
    return RunningBackends(
        billing, provisioning, sms, loyalty, support, world, tuple(runners), payments
    )


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class BackendsThread:
    """The five services running in a dedicated thread with its own event loop.

    ``with BackendsThread(BackendsConfig(size=200)) as backends: ...backends.billing_url``
    """

    def __init__(self, config: BackendsConfig | None = None) -> None:
        self._config = config or BackendsConfig()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._running: RunningBackends | None = None

    def start(self) -> BackendsThread:
        if self._thread is not None:
            raise RuntimeError("the backends are already started")
        started: Future[RunningBackends] = Future()
        loop = asyncio.new_event_loop()
        self._loop = loop

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                started.set_result(loop.run_until_complete(start_backends(self._config)))
            except BaseException as exc:
                started.set_exception(exc)
                loop.close()
                return
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=serve, name="backends", daemon=True)
        self._thread.start()
        try:
            self._running = started.result()
        except BaseException:
            self._thread.join()
            self._thread = None
            raise
        return self

    def stop(self) -> None:
        """Stop the services and the thread; safe to call twice."""
        loop, thread, running = self._loop, self._thread, self._running
        if loop is None or thread is None or running is None:
            return
        self._running = None
        asyncio.run_coroutine_threadsafe(running.stop(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        self._thread = None
        self._loop = None

    @property
    def running(self) -> RunningBackends:
        if self._running is None:
            raise RuntimeError("the backends are not running")
        return self._running

    @property
    def billing_url(self) -> str:
        return self.running.billing_url

    @property
    def provisioning_url(self) -> str:
        return self.running.provisioning_url

    @property
    def sms_url(self) -> str:
        return self.running.sms_url

    @property
    def loyalty_url(self) -> str:
        return self.running.loyalty_url

    @property
    def support_url(self) -> str:
        return self.running.support_url

    @property
    def urls(self) -> dict[str, str]:
        return self.running.urls

    @property
    def world(self) -> World:
        return self.running.world

    def __enter__(self) -> BackendsThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
