"""The garbage collector around a worker's life: a settled heap after start-up.

Start-up builds long-lived objects by the hundred thousand (the schema, graphql-core's
types, the clients, the catalog). Left in the collected generations, every full
collection walks them again: the benchmark measured 18 full collections in 20 s under
load, ~60 ms each, every request in flight waiting (bench/RESULTS.md). Frozen, they are
out of the collector's way and full collections walk only what requests allocate.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Once start-up is done: drop its garbage, then freeze what is left alive."""
    gc.collect()
    gc.freeze()


def unsettle() -> None:
    """At shutdown: hand the frozen objects back to the collector (tests start and stop
    many apps in one process)."""
    gc.unfreeze()
