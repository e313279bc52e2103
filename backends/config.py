"""What a simulated service is started with: the world's size and seed, its initial
faults, optionally a world already built (the runner builds one for all of them), and the
settings of the write side: the hub secret, the order step and the peers' URLs."""

from __future__ import annotations

from dataclasses import dataclass, field

from backends.dataset import World, build_world
from backends.kit.faults import Faults

# How long an order (and a statement) stays in each state before the next one.
DEFAULT_ORDER_STEP_MS = 300.0


@dataclass(frozen=True)
class ServiceConfig:
    size: int = 10_000
    seed: int = 42
    faults: Faults = field(default_factory=Faults)
    world: World | None = None
    # Keys the HMAC of X-Hub-Signature on event deliveries; None sends them unsigned.
    hub_secret: str | None = None
    # 0 completes orders (provisioning) and statements (billing) within the POST itself.
    order_step_ms: float = DEFAULT_ORDER_STEP_MS
    # Other services' base URLs by name ("billing", "sms"), read when a call is made: the
    # runner fills the mapping once every service listens.
    peers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.world is not None and (self.world.size, self.world.seed) != (self.size, self.seed):
            raise ValueError("the given world was built from another size or seed")
        if self.order_step_ms < 0:
            raise ValueError("order_step_ms must not be negative")

    def build_world(self) -> World:
        return self.world if self.world is not None else build_world(self.size, self.seed)
