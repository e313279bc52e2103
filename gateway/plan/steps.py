"""Running a field's coroutine inline, up to its first wait: a resolver whose records were
read ahead finishes there, with no task, no gather and no loop round (gateway/plan/runner.py
for the careful walk, gateway/plan/codegen.py for generated code)."""

from __future__ import annotations

from asyncio import AbstractEventLoop, Task, get_running_loop
from asyncio.tasks import _enter_task, _leave_task, current_task
from collections.abc import Generator
from types import CoroutineType
from typing import Any


class Resumed:
    """A coroutine already stepped once (`step`), awaited from where it stopped."""

    __slots__ = ("coroutine", "waiting_on")

    def __init__(self, coroutine: CoroutineType[Any, Any, Any], waiting_on: Any) -> None:
        self.coroutine = coroutine
        self.waiting_on = waiting_on

    def __await__(self) -> Generator[Any, Any, Any]:
        coroutine = self.coroutine
        waiting_on = self.waiting_on
        if getattr(waiting_on, "_asyncio_future_blocking", None) is not None:
            # A future (`step` cleared its handshake flag): done meanwhile, the coroutine
            # goes on at once; pending, the flag is set again for the task awaiting this.
            if waiting_on.done():
                try:
                    waiting_on = coroutine.send(None)
                except StopIteration as done:
                    return done.value
            else:
                waiting_on._asyncio_future_blocking = True
        # What `yield from coroutine` would do after its first step: the task awaiting
        # this drives the coroutine on, forwarding what it sends and throws.
        while True:
            try:
                sent = yield waiting_on
            except GeneratorExit:
                coroutine.close()
                raise
            except BaseException as thrown:
                try:
                    waiting_on = coroutine.throw(thrown)
                except StopIteration as done:
                    return done.value
            else:
                try:
                    waiting_on = coroutine.send(sent)
                except StopIteration as done:
                    return done.value


Left = tuple[AbstractEventLoop, "Task[Any] | None"]


def leave_task() -> Left:
    """Leave the current task (if any) until `reenter`: what runs between cannot open a
    timeout scope or otherwise act for the task (see `step`)."""
    return _leave(get_running_loop())


def _leave(loop: AbstractEventLoop) -> Left:
    task = current_task(loop)
    if task is not None:
        _leave_task(loop, task)
    return loop, task


def reenter(left: Left) -> None:
    loop, task = left
    if task is not None:
        _enter_task(loop, task)


def step(loop: AbstractEventLoop, coroutine: CoroutineType[Any, Any, Any]) -> Any:
    """Run a field's coroutine up to its first wait, inline: a resolver whose records were
    read ahead finishes here, with no task, no gather and no loop round.

    Only fields whose resolvers promise to await nothing but dataloaders and in-process
    memos are stepped (gateway/plan/reads.py, `steps_inline`). The step runs with no
    current task, so a resolver breaking that promise by opening a timeout scope (which
    would later cancel the wrong task) fails loudly instead: asyncio's and aiohttp's
    timeouts refuse to start outside a task."""
    left = _leave(loop)
    try:
        waiting_on = coroutine.send(None)
    except StopIteration as done:
        return done.value
    finally:
        reenter(left)
    if getattr(waiting_on, "_asyncio_future_blocking", False):
        # A future's `_asyncio_future_blocking` is its handshake with the one task that
        # takes it next: set by `await future`, cleared by that task. No task takes it here,
        # and another inline step awaiting the same future would find it set and fail
        # ("await wasn't used with future"); `_Resumed` sets it again for its task.
        waiting_on._asyncio_future_blocking = False
    return Resumed(coroutine, waiting_on)
