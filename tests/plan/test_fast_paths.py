"""The plan's two shortcuts, each against graphql-core on a schema made to break them:

- generated completions (gateway/plan/codegen.py): a plain subtree answered by one
  function, and every unusual value in it (an exception, a null on a non-null field, a
  leaf that does not serialize, a list that is not one) answered as graphql-core does;
- inline steps (gateway/plan/runner.py `_step`): a resolver promising loaded reads runs
  with no task of its own, and one breaking the promise fails loudly."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Iterator
from typing import Any

import graphql
import pytest
import strawberry

from bench.queries import DASHBOARD
from gateway.plan import Plan, compile_plan, run_compiled
from gateway.plan.nodes import OBJECT, Completion, PlannedField
from schema.info import Info
from schema.loaded_reads import READS_LOADED, READS_LOADED_FROM_CONTEXT
from tests.harness.gateway import GatewayClient
from tests.plan.comparison import Answer, differences
from tests.plan.executors import reference, request_context
from tests.plan.operations import AGENT, Cast


@strawberry.enum
class Tone(enum.Enum):
    LIGHT = "light"
    DARK = "dark"


class _OtherTone(enum.Enum):
    LIGHT = "light"


@strawberry.type
class Leaf:
    name: str
    size: int | None
    weight: float | None = None
    tone: Tone | None = None

    @strawberry.field
    def label(self) -> str:
        if self.name == "raise":
            raise ValueError("label failed")
        return self.name.upper()


@strawberry.type
class Shelf:
    leaves: list[Leaf]
    maybe: list[Leaf | None] | None
    title: str | None

    @strawberry.field
    def first(self) -> Leaf | None:
        return self.leaves[0] if self.leaves else None


@strawberry.type
class Desk:
    """Fields promising to read only their info's context: generated code steps them
    inline (gateway/plan/codegen.py `_settled`), and gives the careful path every case it
    cannot answer."""

    case: str

    # strawberry.field(metadata=...) is typed to return Any (see pyproject's mypy overrides).
    @strawberry.field(metadata=READS_LOADED_FROM_CONTEXT)  # type: ignore[untyped-decorator]
    async def owner(self, info: Info) -> str | None:
        done: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        done.set_result(f"{info.context}:{self.case}")
        if self.case == "raising":
            raise ValueError("owner failed")
        if self.case == "waiting":
            # A record not read ahead: the generated code gives up, the walk awaits it.
            return await _shared_wait()
        if self.case == "reads the path":
            # Breaks the promise: the stand-in info has no path; the careful path answers.
            return str(info.path.key)
        return await done

    @strawberry.field(metadata=READS_LOADED_FROM_CONTEXT)  # type: ignore[untyped-decorator]
    async def size(self, info: Info, times: int = 1) -> int:
        return len(self.case) * times

    @strawberry.field(metadata=READS_LOADED_FROM_CONTEXT)  # type: ignore[untyped-decorator]
    async def outside_task(self, info: Info) -> bool:
        # Generated code runs these outside the request's task (a timeout scope here would
        # fail loudly); graphql-core runs them in one.
        return asyncio.current_task() is None

    @strawberry.field(metadata=READS_LOADED_FROM_CONTEXT)  # type: ignore[untyped-decorator]
    async def shelf(self, info: Info) -> Shelf | None:
        shelf: Shelf = _SHELVES["plain"]()
        return shelf


DESK_CASES = ["loaded", "raising", "waiting", "reads the path"]


@strawberry.type
class Query:
    @strawberry.field
    def desks(self) -> list[Desk]:
        return [Desk(case=case) for case in DESK_CASES]

    @strawberry.field
    def shelf(self, case: str) -> Shelf | None:
        shelf: Shelf = _SHELVES[case]()
        return shelf

    # strawberry.field(metadata=...) is typed to return Any (see pyproject's mypy overrides).
    @strawberry.field(metadata=READS_LOADED)  # type: ignore[untyped-decorator]
    async def loaded(self) -> Shelf | None:
        # Awaits only a done future: it finishes in its inline step.
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        await done
        shelf: Shelf = _SHELVES["plain"]()
        return shelf

    @strawberry.field(metadata=READS_LOADED)  # type: ignore[untyped-decorator]
    async def first_wait(self) -> str:
        return await _shared_wait()

    @strawberry.field(metadata=READS_LOADED)  # type: ignore[untyped-decorator]
    async def second_wait(self) -> str:
        # The same pending future as firstWait's, as two fields awaiting one loader key.
        return (await _shared_wait()).upper()

    @strawberry.field(metadata=READS_LOADED)  # type: ignore[untyped-decorator]
    async def forever(self) -> str:
        # Waits on a future nobody answers, as a read of a backend that hangs.
        _FOREVER.entered.set()
        never: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        answer = await never
        _FOREVER.answered = True
        return answer

    @strawberry.field(metadata=READS_LOADED)  # type: ignore[untyped-decorator]
    async def broken_promise(self) -> str | None:
        # A timeout scope in the resolver's own frame: what the promise rules out.
        async with asyncio.timeout(1):
            await asyncio.sleep(0)
        return "never inline"


class _Forever:
    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.answered = False


_FOREVER = _Forever()
_WAITS: dict[int, asyncio.Future[str]] = {}


def _shared_wait() -> asyncio.Future[str]:
    """One pending future per run (keyed by the run's loop turn), answered a turn later."""
    loop = asyncio.get_running_loop()
    key = id(loop)
    if key not in _WAITS or _WAITS[key].done():
        future: asyncio.Future[str] = loop.create_future()
        loop.call_soon(future.set_result, "answered")
        _WAITS[key] = future
    return _WAITS[key]


class _Text(str):
    """A str subclass: the serializer answers it, not the plan's pass-through."""


def _leaves(*names: str) -> list[Leaf]:
    return [Leaf(name=n, size=len(n)) for n in names]


# Built past their types on purpose: each unusual value is one graphql-core must report.
_Shelf: Any = Shelf
_Leaf: Any = Leaf
_SHELVES: dict[str, Any] = {
    "plain": lambda: _Shelf(leaves=_leaves("a", "bb"), maybe=[None, *_leaves("c")], title="t"),
    "empty": lambda: _Shelf(leaves=[], maybe=None, title=None),
    "raising resolver": lambda: _Shelf(leaves=_leaves("a", "raise"), maybe=None, title="t"),
    "null in non-null list": lambda: _Shelf(leaves=[*_leaves("a"), None], maybe=[], title="t"),
    "exception as a value": lambda: _Shelf(leaves=_leaves("a"), maybe=[], title=ValueError("v")),
    "leaf not serializable": lambda: _Shelf(
        leaves=[_Leaf(name="a", size="x")], maybe=[], title="t"
    ),
    "not a list": lambda: _Shelf(leaves=5, maybe=[], title="t"),
    "null on non-null leaf": lambda: _Shelf(leaves=[_Leaf(name=None, size=1)], maybe=[], title="t"),
    # Leaves of other classes than the one passed through as is (gateway/plan/leaves.py).
    "a bool for a String and an Int": lambda: _Shelf(
        leaves=[_Leaf(name=True, size=True)], maybe=[], title=False
    ),
    "a str of a subclass, a float for an Int": lambda: _Shelf(
        leaves=[_Leaf(name=_Text("sub"), size=3.0)], maybe=[], title=_Text("t")
    ),
    "an Int beyond 32 bits": lambda: _Shelf(
        leaves=[_Leaf(name="a", size=2**31)], maybe=[], title="t"
    ),
    # Floats and enums: passed through and looked up in generated code (leaves.py).
    "floats and enum members": lambda: _Shelf(
        leaves=[
            _Leaf(name="a", size=1, weight=0.5, tone=Tone.DARK),
            _Leaf(name="b", size=1, weight=-0.0, tone=Tone.LIGHT),
            _Leaf(name="c", size=1, weight=3, tone=None),
            _Leaf(name="d", size=1, weight=True, tone=Tone.DARK),
        ],
        maybe=[],
        title="t",
    ),
    "an infinite float": lambda: _Shelf(
        leaves=[_Leaf(name="a", size=1, weight=float("inf"))], maybe=[], title="t"
    ),
    "a NaN float": lambda: _Shelf(
        leaves=[_Leaf(name="a", size=1, weight=float("nan"))], maybe=[], title="t"
    ),
    "an enum's value, not its member": lambda: _Shelf(
        leaves=[_Leaf(name="a", size=1, tone="DARK")], maybe=[], title="t"
    ),
    "another enum's member": lambda: _Shelf(
        leaves=[_Leaf(name="a", size=1, tone=_OtherTone.LIGHT)], maybe=[], title="t"
    ),
    "an Int at the 32-bit edges": lambda: _Shelf(
        leaves=[_Leaf(name="a", size=2**31 - 1), _Leaf(name="b", size=-(2**31))],
        maybe=[],
        title="t",
    ),
}

# The cases graphql-core answers without an error.
_ANSWERED = {
    "plain",
    "empty",
    "a str of a subclass, a float for an Int",
    "an Int at the 32-bit edges",
    "floats and enum members",
}

SCHEMA = strawberry.Schema(Query)._schema
SHELF_QUERY = """query ($case: String!) { shelf(case: $case) {
  title leaves { name size weight tone label __typename } maybe { name } first { label } } }"""


def _completions(fields: tuple[PlannedField, ...]) -> Iterator[Completion]:
    for field in fields:
        completion: Completion | None = field.complete
        while completion is not None:
            yield completion
            if completion.kind is OBJECT:
                yield from _completions(completion.fields)
            completion = completion.inner


async def _both(document: graphql.DocumentNode, variables: dict[str, Any]) -> tuple[Answer, Answer]:
    plan = compile_plan(SCHEMA, document, None)
    assert isinstance(plan, Plan)
    expected = await reference(SCHEMA, document, variables, None, None)  # type: ignore[arg-type]
    got = await run_compiled(
        plan, SCHEMA, document, variables=variables, operation_name=None, context=None
    )
    return Answer.of(expected, "r"), Answer.of(got, "r")


def test_a_plain_subtree_is_one_generated_function() -> None:
    plan = compile_plan(SCHEMA, graphql.parse(SHELF_QUERY), None)
    assert isinstance(plan, Plan)
    fast = [c for c in _completions(plan.fields) if c.fast is not None]
    # The shelf and everything under it is plain: one function, nothing inside it again.
    assert len(fast) == 1
    assert fast[0].kind is OBJECT


@pytest.mark.parametrize("case", sorted(_SHELVES))
async def test_a_generated_completion_answers_as_graphql_core(case: str) -> None:
    expected, got = await _both(graphql.parse(SHELF_QUERY), {"case": case})
    assert differences(expected, got) == []
    if case not in _ANSWERED:
        # Each other case is unusual: graphql-core reports an error for it.
        assert expected.errors


DESK_QUERY = "{ desks { case owner size twice: size(times: 2) shelf { title leaves { name } } } }"


async def test_fields_reading_only_the_context_are_generated_and_answer_as_graphql_core() -> None:
    document = graphql.parse(DESK_QUERY)
    plan = compile_plan(SCHEMA, document, None)
    assert isinstance(plan, Plan)
    # The whole list of desks is one generated function, their async fields included.
    assert plan.fields[0].complete.fast is not None
    expected = await reference(SCHEMA, document, {}, None, "ctx")  # type: ignore[arg-type]
    got = await run_compiled(
        plan, SCHEMA, document, variables={}, operation_name=None, context="ctx"
    )
    assert differences(Answer.of(expected, "r"), Answer.of(got, "r")) == []
    desks = {d["case"]: d for d in got.data["desks"]}  # type: ignore[index]
    assert desks["loaded"]["owner"] == "ctx:loaded"
    assert desks["waiting"]["owner"] == "answered"
    assert desks["reads the path"]["owner"] == "owner"
    assert desks["raising"]["owner"] is None
    assert desks["loaded"]["twice"] == 2 * desks["loaded"]["size"] == 12
    assert [e.path for e in got.errors or []] == [["desks", 1, "owner"]]


async def test_generated_fields_run_outside_the_task_and_the_task_is_entered_again() -> None:
    document = graphql.parse("{ desks { outsideTask owner } }")
    plan = compile_plan(SCHEMA, document, None)
    assert isinstance(plan, Plan)
    assert plan.fields[0].complete.fast is not None
    task = asyncio.current_task()
    got = await run_compiled(
        plan, SCHEMA, document, variables={}, operation_name=None, context="ctx"
    )
    assert asyncio.current_task() is task
    desks = got.data["desks"]  # type: ignore[index]
    # Outside the task in generated code, and in the careful walk's inline steps too (the
    # desks whose generated code gave up: a field waiting, raising or reading the path).
    assert [d["outsideTask"] for d in desks] == [True] * 4
    expected = await reference(SCHEMA, document, {}, None, "ctx")  # type: ignore[arg-type]
    assert [d["outsideTask"] for d in expected.data["desks"]] == [False] * 4  # type: ignore[index]


async def test_a_loaded_read_runs_inline_and_one_breaking_the_promise_fails_loudly() -> None:
    tasks_started = 0
    loop = asyncio.get_running_loop()
    factory = loop.get_task_factory()

    def counting(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        nonlocal tasks_started
        tasks_started += 1
        return asyncio.Task(coro, loop=loop, **kwargs)

    document = graphql.parse("{ loaded { title leaves { name } } }")
    plan = compile_plan(SCHEMA, document, None)
    loop.set_task_factory(counting)
    try:
        got = await run_compiled(
            plan, SCHEMA, document, variables=None, operation_name=None, context=None
        )
    finally:
        loop.set_task_factory(factory)
    assert got.errors is None
    assert got.data == {"loaded": {"title": "t", "leaves": [{"name": "a"}, {"name": "bb"}]}}
    assert tasks_started == 0

    document = graphql.parse("{ brokenPromise }")
    plan = compile_plan(SCHEMA, document, None)
    got = await run_compiled(
        plan, SCHEMA, document, variables=None, operation_name=None, context=None
    )
    assert got.data == {"brokenPromise": None}
    assert got.errors is not None
    assert "inside a task" in got.errors[0].message


async def test_a_dashboards_numbers_cost_no_task_per_field(
    plan_gateway: GatewayClient, cast: Cast
) -> None:
    """Each number's records are read ahead, so its fields finish inline: the tasks an
    agent's screen starts (the loaders' batches, the cache's reads) do not grow with its
    numbers. Before reading ahead, every async field of every number was a task (5 and 40
    numbers: 71 and 421 tasks; now 21 and 21)."""
    runtime = plan_gateway.runtime
    schema = runtime.schema._schema
    document = graphql.parse(DASHBOARD)
    plan = compile_plan(schema, document, None)
    assert isinstance(plan, Plan)
    loop = asyncio.get_running_loop()
    factory = loop.get_task_factory()
    numbers = cast.dashboard(40)

    async def tasks_for(msisdns: list[str]) -> int:
        started = 0

        def counting(loop: asyncio.AbstractEventLoop, coro: Any, **kw: Any) -> asyncio.Task[Any]:
            nonlocal started
            started += 1
            return asyncio.Task(coro, loop=loop, **kw)

        context = request_context(runtime, AGENT, "fast-paths")
        loop.set_task_factory(counting)
        try:
            got = await run_compiled(
                plan,
                schema,
                document,
                variables={"msisdns": msisdns},
                operation_name=None,
                context=context,
            )
        finally:
            loop.set_task_factory(factory)
        assert got.errors is None
        assert len(got.data["subscribers"]) == len(msisdns)  # type: ignore[index]
        return started

    await tasks_for(numbers)  # the read caches filled
    few, many = await tasks_for(numbers[:5]), await tasks_for(numbers)
    # 35 more numbers with ~10 async fields each: 350 more tasks if fields were tasks (and
    # 35 more if each number's reach check were one). The margin is for the audit writer.
    assert many - few < 5, (few, many)


async def test_inline_steps_waiting_on_one_pending_future_answer_as_graphql_core() -> None:
    # Each inline step leaves the future for a task to take; the second must not find
    # the first one's claim on it ("await wasn't used with future").
    expected, got = await _both(graphql.parse("{ firstWait secondWait }"), {})
    assert differences(expected, got) == []
    assert got.errors == ()
    assert got.data == '{"firstWait":"answered","secondWait":"ANSWERED"}'


async def test_a_request_cancelled_reaches_a_field_stepped_inline() -> None:
    # The request's deadline cancels its task: the cancellation propagates through a
    # field stepped inline and still waiting, and the request ends. (The half-run resolver
    # is closed when it is collected, not at once: a resolver keeping its promise holds
    # nothing that needs closing; docs/decisions.md.)
    global _FOREVER
    _FOREVER = _Forever()
    document = graphql.parse("{ firstWait forever }")
    plan = compile_plan(SCHEMA, document, None)
    running = asyncio.ensure_future(
        run_compiled(plan, SCHEMA, document, variables=None, operation_name=None, context=None)
    )
    await _FOREVER.entered.wait()
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert running.cancelled()
    assert not _FOREVER.answered
