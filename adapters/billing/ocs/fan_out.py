"""A batch as concurrent single calls: OCS has no filter that takes many ids at once."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


async def gather_all(calls: Iterable[Coroutine[Any, Any, T]]) -> list[T]:
    """The results in order. The first failure cancels the calls still running and is
    raised as itself (not as an ExceptionGroup, which no caller above expects)."""
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        # Let the cancelled calls unwind (release their connections) before raising.
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
