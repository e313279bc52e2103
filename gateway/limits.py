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
    max_fields: int = 500
    # The depth allowed to the __schema/__type subtree; None: no allowance of its own
    # (introspection off: it counts as the operation's depth, and is refused as deep).
    introspection_depth: int | None = None
    # Measure only: log what would be refused and let it run (to tune the limits).
    enforce: bool = True


def _refusals(shape: Shape, limits: ShapeLimits) -> list[RefusedError]:
    # (code, what was measured, its value, its limit, the name of the value for clients,
    #  the sentence, which reads "<sentence with the value>; the limit is <limit>")
    depth = shape.depth
    if limits.introspection_depth is None:
        depth = max(depth, shape.introspection_depth)
    checks = [
        (
            "QUERY_TOO_LARGE",
            "fields",
            shape.size,
            limits.max_fields,
            "the operation selects {} fields with its fragments expanded",
        ),
        (
            "QUERY_TOO_DEEP",
            "depth",
            depth,
            limits.max_depth,
            "the operation is {} levels deep",
        ),
        (
            "TOO_MANY_ALIASES",
            "aliases",
            shape.aliases,
            limits.max_aliases,
            "the operation has {} aliases",
        ),
        (
            "LIST_TOO_LONG",
            "length",
            shape.longest_list,
            limits.max_list,
            "a list argument has {} items",
        ),
        ("QUERY_TOO_COSTLY", "cost", shape.cost, limits.max_cost, "the operation costs {}"),
    ]
    if limits.introspection_depth is not None:
        checks.append(
            (
                "QUERY_TOO_DEEP",
                "depth",
                shape.introspection_depth,
                limits.introspection_depth,
                "its introspection is {} levels deep",
            )
        )
    return [
        RefusedError(
            code,
            f"{sentence.format(value)}; the limit is {limit}",
            **{name: value, "limit": limit},
        )
        for code, name, value, limit, sentence in checks
        if value > limit
    ]


def check_shape(shape: Shape, limits: ShapeLimits, request_id: str) -> None:
    refusals = _refusals(shape, limits)
    if not refusals:
        return
    for refusal in refusals:
        if refusal.code == "QUERY_TOO_LARGE":
            # Enforced even when measuring: validation and execution walk the expanded
            # selection, which can be exponential in the document's size.
            raise refusal
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
