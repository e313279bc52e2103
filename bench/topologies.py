"""The Redis topologies that `make failover` loses nodes of, and how each one's own view
of a promotion is read.

- `ClusterTopology`: a Redis Cluster of three primaries with a replica each
  (cluster-node-timeout 3 s). The kill hits a primary the event bus does not listen on,
  the stall the one it does (the first node the gateway is given). A promotion is seen
  in a surviving node's CLUSTER NODES.
- `SentinelTopology`: one primary with two replicas, watched by three Sentinels (quorum
  2, down-after-milliseconds 2000, failover-timeout 6000). The gateway asks the Sentinels
  for the primary and its event bus listens on that same primary, so the kill and the
  stall both hit the bus's node too. A promotion is seen when a Sentinel's
  `SENTINEL GET-MASTER-ADDR-BY-NAME` names another server.

Only what differs lives here: the gateway's Redis settings, which server each fault hits,
how a killed server comes back, and the watch. The load, the tallies and the report are
bench/failover.py's, the same for both.
"""

from __future__ import annotations

import json
import threading
import time
from abc import ABC, abstractmethod

import redis

from tests.harness.redis_cluster import RedisCluster
from tests.harness.redis_sentinel import SERVICE, RedisSentinel
from tests.harness.redis_server import RedisServer

POLL_S = 0.05
CLUSTER_NODE_TIMEOUT_MS = 3000
# Low, so that a run is short, yet above what a loaded 2-core machine makes a healthy
# primary take to answer a PING (a false failover would be a figure of its own).
DOWN_AFTER_MS = 2000
# A failover attempt's bound (and half the pause before another attempt); 6 s leaves the
# promoted primary's other replica time to be pointed at it.
FAILOVER_TIMEOUT_MS = 6000


class PromotionWatch(ABC):
    """A topology's own promotion time: `_promoted()` polled every 50 ms in a thread of
    its own, from just before a fault, until it says yes."""

    def __init__(self, started: float) -> None:
        self._started = started
        self.promoted_at: float | None = None  # seconds since the load began
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _begin(self) -> None:
        self._thread.start()

    @abstractmethod
    def _promoted(self) -> bool: ...

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                promoted = self._promoted()
            except redis.RedisError:  # a busy node: look again
                promoted = False
            if promoted:
                self.promoted_at = time.monotonic() - self._started
                return
            # A sleep, not `Event.wait`: a timed wait on a lock never times out under
            # libfaketime's moved clock (make test-dates runs the tests that use this).
            time.sleep(POLL_S)

    def wait(self, seconds: float) -> float | None:
        """The promotion time once seen, or None if not seen within `seconds`."""
        deadline = time.monotonic() + seconds
        while self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(POLL_S)  # not `join(seconds)`: a timed wait, see `_poll`
        return self.promoted_at

    def close(self) -> float | None:
        self._stop.set()
        self._thread.join(5)
        return self.promoted_at


class ClusterWatch(PromotionWatch):
    """Until a surviving node's CLUSTER NODES shows a replica of the faulted primary as a
    primary."""

    def __init__(self, faulted: RedisServer, survivor: RedisServer, started: float) -> None:
        super().__init__(started)
        self._client = redis.Redis(port=survivor.port, socket_timeout=0.5)
        faulted_id = _myid(faulted.port)
        # A fresh cluster's replicas show up as such a moment after it starts.
        deadline = time.monotonic() + 10
        self._replicas: set[str] = set()
        while not self._replicas and time.monotonic() < deadline:
            self._replicas = {
                fields[0]
                for fields in self._nodes()
                if len(fields) > 3 and fields[3] == faulted_id and "slave" in fields[2]
            }
            time.sleep(POLL_S)
        self._begin()

    def _nodes(self) -> list[list[str]]:
        text = self._client.execute_command("CLUSTER", "NODES")  # type: ignore[no-untyped-call]
        text = text.decode() if isinstance(text, bytes) else str(text)
        return [line.split() for line in text.splitlines() if line.strip()]

    def _promoted(self) -> bool:
        return any(
            fields[0] in self._replicas and "master" in fields[2] for fields in self._nodes()
        )

    def close(self) -> float | None:
        promoted = super().close()
        self._client.close()
        return promoted


class SentinelWatch(PromotionWatch):
    """Until any of the Sentinels names another server than the faulted one as the
    primary (the first to switch: the one the clients may ask first)."""

    def __init__(self, sentinel: RedisSentinel, faulted: RedisServer, started: float) -> None:
        super().__init__(started)
        self._sentinel = sentinel
        self._faulted = faulted.port
        self._begin()

    def _promoted(self) -> bool:
        named = {self._sentinel.primary_port_of(port) for port in self._sentinel.ports}
        return bool(named - {0, self._faulted})


class Topology(ABC):
    """What a failover run needs of a Redis topology."""

    name: str
    # bench/RESULTS.md: the section's marker name, heading and heading level.
    section: str
    heading: str
    level: int
    # Said in the report: the servers, and the settings that bound a promotion.
    title: str
    bounds: str
    # Whose view the promotion time is.
    view: str
    # What the kill and the stall hit, in the run's timeline.
    kill_label: str
    stall_label: str

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def gateway_settings(self) -> dict[str, str]:
        """The gateway's environment for this topology (instead of REDIS_URL)."""

    @abstractmethod
    def kill_victim(self) -> RedisServer: ...

    @abstractmethod
    def stall_victim(self) -> RedisServer: ...

    @abstractmethod
    def watch(self, faulted: RedisServer, started: float) -> PromotionWatch: ...

    @abstractmethod
    def restart(self, node: RedisServer) -> None:
        """Start a killed server again (it comes back as a replica)."""

    @abstractmethod
    def cleanup(self) -> None:
        """Stop every server this topology started, by PID (a stalled one resumed first)."""


class ClusterTopology(Topology):
    name = "cluster"
    section = "failover"
    heading = "Failover"
    level = 2
    title = "Redis Cluster 3 primaries + 3 replicas"
    bounds = f"cluster-node-timeout {CLUSTER_NODE_TIMEOUT_MS / 1000:g} s"
    view = "a surviving node's view"
    kill_label = "primary"
    stall_label = "the bus's primary"

    def __init__(self) -> None:
        self.cluster = RedisCluster(replicas=1, node_timeout_ms=CLUSTER_NODE_TIMEOUT_MS)
        self._primaries: list[RedisServer] = []

    def start(self) -> None:
        self.cluster.start()
        self._primaries = [n for n in self.cluster.nodes if role(n.port) == "master"]

    def gateway_settings(self) -> dict[str, str]:
        # The bus listens on the first node given: the one stalled later.
        bus = self.stall_victim()
        order = [bus, *[n for n in self.cluster.nodes if n is not bus]]
        return {"TGW_REDIS_CLUSTER_NODES": json.dumps([f"127.0.0.1:{n.port}" for n in order])}

    def kill_victim(self) -> RedisServer:
        return self._primaries[1]

    def stall_victim(self) -> RedisServer:
        return self._primaries[0]

    def watch(self, faulted: RedisServer, started: float) -> PromotionWatch:
        # A node that is faulted by neither fault tells when the cluster promoted.
        return ClusterWatch(faulted, self._primaries[2], started)

    def restart(self, node: RedisServer) -> None:
        self.cluster.restart(node)

    def cleanup(self) -> None:
        self.cluster.cleanup()


class SentinelTopology(Topology):
    name = "sentinel"
    section = "failover-sentinel"
    heading = "Sentinel"
    level = 3
    title = (
        "one Redis primary + 2 replicas watched by 3 Sentinels (quorum 2, "
        f"down-after-milliseconds {DOWN_AFTER_MS}, failover-timeout {FAILOVER_TIMEOUT_MS}); "
        "the event bus listens on the primary, so the kill and the stall hit it too"
    )
    bounds = f"down-after-milliseconds {DOWN_AFTER_MS}, failover-timeout {FAILOVER_TIMEOUT_MS}"
    view = "the Sentinels' view"
    kill_label = "the primary (the bus's node)"
    stall_label = "the primary (the bus's node)"

    def __init__(self) -> None:
        self.sentinel = RedisSentinel(
            replicas=2,
            sentinels=3,
            down_after_ms=DOWN_AFTER_MS,
            failover_timeout_ms=FAILOVER_TIMEOUT_MS,
        )

    def start(self) -> None:
        self.sentinel.start()

    def gateway_settings(self) -> dict[str, str]:
        return {
            "TGW_REDIS_SENTINELS": json.dumps(self.sentinel.addresses),
            "TGW_REDIS_SENTINEL_SERVICE": SERVICE,
        }

    def kill_victim(self) -> RedisServer:
        return self.sentinel.current_primary()

    def stall_victim(self) -> RedisServer:
        # Whichever server the Sentinels promoted after the kill.
        return self.sentinel.current_primary()

    def watch(self, faulted: RedisServer, started: float) -> PromotionWatch:
        return SentinelWatch(self.sentinel, faulted, started)

    def restart(self, node: RedisServer) -> None:
        # It comes back a primary of nothing; the Sentinels see it and make it a replica
        # of the promoted one (clients are never sent to it: the Sentinels name the other).
        node.start("--repl-diskless-sync-delay", "0")

    def cleanup(self) -> None:
        self.sentinel.cleanup()


TOPOLOGIES: dict[str, type[Topology]] = {"cluster": ClusterTopology, "sentinel": SentinelTopology}


def role(port: int) -> str:
    client = redis.Redis(port=port, socket_timeout=2)
    try:
        return str(client.info("replication").get("role"))
    finally:
        client.close()


def _myid(port: int) -> str:
    client = redis.Redis(port=port, socket_timeout=2)
    try:
        answer = client.execute_command("CLUSTER MYID")  # type: ignore[no-untyped-call]
        return answer.decode() if isinstance(answer, bytes) else str(answer)
    finally:
        client.close()
