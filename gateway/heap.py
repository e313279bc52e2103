"""The garbage collector around a worker's life: a settled heap after start-up.

Start-up builds long-lived objects by the hundred thousand (the schema, graphql-core's
types, the clients, the catalog). Left in the collected generations, every full
collection walks them again: the benchmark measured 18 full collections in 20 s under
load, ~60 ms each, every request in flight waiting (bench/RESULTS.md). Frozen, they are
out of the collector's way and full collections walk only what requests allocate.

The young generation is collected every `TGW_GC_YOUNG_THRESHOLD` allocations (5,000;
Python's default is 700). A young collection walks every young object still alive, and
under load that is mostly the requests in flight, whatever the threshold: at 700 the
same in-flight objects were walked over and over. On the 2-core machine at 32
connections (one worker, answers off) the executed home screen cost 0.40-0.47 ms against
0.46-0.51 at 700, the 50-number dashboard 4.5 ms against 5.0-5.7, and their p99 halved
(bench/RESULTS.md). The price is memory: garbage in cycles waits longer (a request makes
none, tests/api/test_request_garbage.py; failures under overload do), and the default
bench run peaked at 191 MB a worker (203 MB with 10,000; 167 MB before this session).
"""

from __future__ import annotations

import gc

Thresholds = tuple[int, int, int]


def settle(young_threshold: int) -> Thresholds:
    """Once start-up is done: drop its garbage, freeze what is left alive, and collect
    the young generation every `young_threshold` allocations. Answers the thresholds
    before, for `unsettle`."""
    gc.collect()
    gc.freeze()
    before = gc.get_threshold()
    gc.set_threshold(young_threshold, before[1], before[2])
    return before


def unsettle(before: Thresholds) -> None:
    """At shutdown: hand the frozen objects back to the collector and its thresholds
    back as they were (tests start and stop many apps in one process)."""
    gc.unfreeze()
    gc.set_threshold(*before)
