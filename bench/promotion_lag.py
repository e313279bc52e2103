"""``python -m bench.promotion_lag``: how long after a Redis Cluster promotion the gateway's
own cluster client writes again, with no load, one run per topology refresh interval.

A cluster of three primaries with a replica each (cluster-node-timeout 3 s); the client
that `gateway/redis_clients.py` builds, each write under the `RedisGuard` bound; a key in
a primary's slots written every 20 ms; that primary SIGKILLed; the promotion timed as a
surviving node's CLUSTER NODES shows it (bench/failover.py's PromotionWatch). Printed:
first write that succeeds after the promotion minus the promotion, per run. Light (six
redis-servers, ~10 s a run): the under-load figure is `make failover`'s.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from adapters.redis_guard import RedisGuard
from bench.failover import PromotionWatch
from gateway import redis_clients
from gateway.settings import Settings
from tests.harness.redis_cluster import RedisCluster


async def one_run(interval: float) -> float:
    """Seconds from the promotion to the first write that succeeded after a failed one."""
    redis_clients.TOPOLOGY_REFRESH_SECONDS = interval
    cluster = RedisCluster(replicas=1, node_timeout_ms=3000)
    cluster.start()
    try:
        primaries = cluster.primaries()
        victim, survivor = primaries[1], primaries[2]
        settings = Settings(redis_url=None, redis_cluster_nodes=cluster.addresses)
        client = redis_clients.connect_redis(settings)
        assert client is not None
        await redis_clients.prepare_redis(client, settings)
        guard = RedisGuard(settings.redis_timeout)
        victim_node = client.get_node("127.0.0.1", victim.port)  # type: ignore[attr-defined]
        key = next(
            f"k{i}"
            for i in range(100_000)
            if client.get_node_from_key(f"k{i}") == victim_node  # type: ignore[attr-defined]
        )
        started = time.monotonic()
        watch = PromotionWatch(victim, survivor, started)
        await client.set(key, "0")
        victim.kill()
        failed = False
        while time.monotonic() - started < 30:
            now = time.monotonic() - started
            try:
                await guard.bounded(client.set(key, "1"))
            except Exception:  # the lost primary: what is measured is when this stops
                failed = True
            else:
                if failed and watch.promoted_at is not None:
                    promoted = watch.close()
                    assert promoted is not None
                    await client.aclose()
                    return now - promoted
            await asyncio.sleep(0.02)
        watch.close()
        await client.aclose()
        raise RuntimeError("no write succeeded after the promotion within 30 s")
    finally:
        cluster.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.promotion_lag", description=__doc__)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--intervals", type=float, nargs="+", default=[1.0, 0.25])
    args = parser.parse_args()
    for interval in args.intervals:
        lags = [asyncio.run(one_run(interval)) for _ in range(args.runs)]
        shown = ", ".join(f"{lag:+.2f}" for lag in lags)
        print(
            f"topology refresh at most every {interval:g} s: first write after the "
            f"promotion at {shown} s (max {max(lags):+.2f} s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
