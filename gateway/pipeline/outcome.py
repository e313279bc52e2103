"""What running one operation gave: the body to render, its status and headers."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import orjson

from adapters import metrics
from gateway.refusal import RefusedError
from gateway.shape import Shape


@dataclass(slots=True)
class Outcome:
    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] | None = None
    ok: bool = True
    operation: str = "anonymous"
    shape: Shape | None = None  # of an operation that ran (or was answered whole)
    executed: bool = True  # False when refused, or stopped by parse/validation/variables
    # An answer in parts (gateway/incremental.py): `body` is its first frame.
    rest: AsyncGenerator[dict[str, Any], None] | None = None
    # A kept answer's JSON, written as it is (never parsed to be written again); `body`
    # is then empty: a kept answer has no errors.
    kept: bytes | None = None

    def rendered(self) -> Any:
        """What the response writes for this operation."""
        return self.body if self.kept is None else orjson.Fragment(self.kept)

    def codes(self) -> list[str]:
        return [e["extensions"]["code"] for e in self.body.get("errors", [])]


def refused(error: RefusedError, request_id: str, operation: str = "anonymous") -> Outcome:
    """The outcome of a refusal, counted here and only here (`tgw_refusals_total`)."""
    metrics.REFUSALS.labels(error.code).inc()
    metrics.REQUESTS.labels(operation, "refused").inc()
    body = {"errors": [error.as_error(request_id)]}
    return Outcome(body, error.status, error.headers, False, operation, executed=False)
