"""What a simulated service is started with: the world's size and seed, its initial
faults, and optionally a world already built (the runner builds one for all four)."""

from __future__ import annotations

from dataclasses import dataclass, field

from backends.dataset import World, build_world
from backends.kit.faults import Faults


@dataclass(frozen=True)
class ServiceConfig:
    size: int = 10_000
    seed: int = 42
    faults: Faults = field(default_factory=Faults)
    world: World | None = None

    def __post_init__(self) -> None:
        if self.world is not None and (self.world.size, self.world.seed) != (self.size, self.seed):
            raise ValueError("the given world was built from another size or seed")

    def build_world(self) -> World:
        return self.world if self.world is not None else build_world(self.size, self.seed)
