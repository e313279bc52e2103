"""The edge's limits on an operation's shape, checked before it runs."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gateway.refusal import RefusedError
from gateway.shape import Shape

log = logging.getLogger("gateway.limits")


@dataclass(frozen=True, slots=True)
class ShapeLimits:
    max_depth: int
    max_aliases: int
    max_cost: int
    max_list: int
    # Measure only: log what would be refused and let it run (to tune the limits).
    enforce: bool = True


def check_shape(shape: Shape, limits: ShapeLimits, request_id: str) -> None:
    refusals: list[RefusedError] = []
    if shape.depth > limits.max_depth:
        refusals.append(
            RefusedError(
                "QUERY_TOO_DEEP",
                f"the operation is {shape.depth} levels deep; the limit is {limits.max_depth}",
                depth=shape.depth,
                limit=limits.max_depth,
            )
        )
    if shape.aliases > limits.max_aliases:
        refusals.append(
            RefusedError(
                "TOO_MANY_ALIASES",
                f"the operation has {shape.aliases} aliases; the limit is {limits.max_aliases}",
                aliases=shape.aliases,
                limit=limits.max_aliases,
            )
        )
    if shape.longest_list > limits.max_list:
        refusals.append(
            RefusedError(
                "LIST_TOO_LONG",
                f"a list argument has {shape.longest_list} items; the limit is {limits.max_list}",
                length=shape.longest_list,
                limit=limits.max_list,
            )
        )
    if shape.cost > limits.max_cost:
        refusals.append(
            RefusedError(
                "QUERY_TOO_COSTLY",
                f"the operation costs {shape.cost}; the limit is {limits.max_cost}",
                cost=shape.cost,
                limit=limits.max_cost,
            )
        )
    if not refusals:
        return
    if not limits.enforce:
        log.warning(
            "request %s: would refuse %s (cost %d, depth %d, aliases %d)",
            request_id,
            ", ".join(r.code for r in refusals),
            shape.cost,
            shape.depth,
            shape.aliases,
        )
        return
    raise refusals[0]
