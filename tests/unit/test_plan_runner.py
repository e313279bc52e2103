"""The plan runner against graphql-core's executor on a small schema made for the hard
cases: errors raised sync and async, null propagation through non-null fields and list
items, errors under a nulled position dropped, leaf serialization failures, variables and
their defaults, serial mutations. Each case compares the whole answer, key order included.
(The gateway's own schema is compared over HTTP in tests/api/test_plans.py.)"""

from __future__ import annotations

import asyncio
import json
from enum import Enum
from typing import Any

import pytest
import strawberry
from graphql import ExecutionResult, GraphQLSchema, build_schema, parse

from gateway.plan import Fallback, Plan, compile_plan, run_plan
from gateway.plan.fallback import execute_generic

SDL = """
type Query {
  ok: String
  boom: String
  boomAsync: String
  strict: String!
  strictAsync: String!
  item: Item
  items: [Item]
  strictItems: [Item!]
  strictItemsAsync: [Item!]!
  notAList: [Int]
  badInt: Int
  echo(text: String = "default", times: Int! = 1): String
  numbers: [Int]
}
type Item {
  id: Int!
  name: String
  broken: String!
  brokenAsync: String!
  later: String
  child: Item
}
type Mutation {
  first: String
  second: String
}
"""


class Item:
    def __init__(self, id_: int, name: str | None = "item") -> None:
        self.id = id_
        self.name = name
        self.child = None


def _schema(log: list[str]) -> GraphQLSchema:
    schema = build_schema(SDL)

    def boom(*_: Any) -> Any:
        raise ValueError("boom")

    async def boom_async(*_: Any) -> Any:
        await asyncio.sleep(0)
        raise ValueError("boom later")

    async def later(source: Any, *_: Any) -> Any:
        await asyncio.sleep(0)
        return f"later {source.id}"

    async def items_async(*_: Any) -> Any:
        return [Item(1), Item(2), None]

    async def echo(_source: Any, _info: Any, text: str, times: int) -> str:
        return text * times

    def mutation(name: str, delay: int) -> Any:
        async def run(*_args: Any) -> str:
            log.append(f"start {name}")
            for _ in range(delay):
                await asyncio.sleep(0)
            log.append(f"end {name}")
            return name

        return run

    query = schema.query_type
    assert query is not None
    fields = query.fields
    fields["ok"].resolve = lambda *_: "ok"
    fields["boom"].resolve = boom
    fields["boomAsync"].resolve = boom_async
    fields["strict"].resolve = lambda *_: None
    fields["strictAsync"].resolve = boom_async
    fields["item"].resolve = lambda *_: Item(7)
    fields["items"].resolve = lambda *_: [Item(1), None, Item(3, None)]
    fields["strictItems"].resolve = lambda *_: [Item(1), None]
    fields["strictItemsAsync"].resolve = items_async
    fields["notAList"].resolve = lambda *_: 5
    fields["badInt"].resolve = lambda *_: "not an int"
    fields["echo"].resolve = echo
    fields["numbers"].resolve = lambda *_: [1, ValueError("third"), 3]
    item = schema.get_type("Item")
    item.fields["broken"].resolve = boom  # type: ignore[union-attr]
    item.fields["brokenAsync"].resolve = boom_async  # type: ignore[union-attr]
    item.fields["later"].resolve = later  # type: ignore[union-attr]
    mutation_type = schema.mutation_type
    assert mutation_type is not None
    mutation_type.fields["first"].resolve = mutation("first", 3)
    mutation_type.fields["second"].resolve = mutation("second", 0)
    return schema


def _wire(result: ExecutionResult) -> str:
    """The answer as it is written, key order included."""
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [e.formatted for e in result.errors]
    body["data"] = result.data
    return json.dumps(body)


CASES = {
    "plain": "{ ok item { id name later } }",
    "sync error on a nullable field": "{ ok boom }",
    "async error on a nullable field": "{ boomAsync ok }",
    "null on a non-null root field nulls data": "{ ok strict }",
    "async error on a non-null root field": "{ strictAsync ok }",
    "non-null child error nulls its object": "{ item { id broken name } ok }",
    "async non-null child error": "{ item { id later brokenAsync } }",
    "errors under a nulled parent are dropped": "{ item { brokenAsync broken later } }",
    "list items, nulls and errors": "{ items { id name later } }",
    "non-null list item null propagates to the list": "{ strictItems { id } ok }",
    "async list under non-null": "{ strictItemsAsync { id later } ok }",
    "not a list": "{ notAList }",
    "leaf serialization failure": "{ badInt ok }",
    "an error value in a list": "{ numbers }",
    "aliases merged and ordered": "{ b: ok a: ok item { x: id x: id name } ok }",
    "fragments and constant directives": (
        "{ ...F item { ... on Item { id } name @skip(if: true) later @include(if: true) } }"
        " fragment F on Query { ok __typename }"
    ),
    "constant arguments and defaults": '{ a: echo b: echo(text: "x", times: 3) }',
    "typename everywhere": "{ __typename item { __typename child { id } } }",
}


@pytest.mark.parametrize("query", CASES.values(), ids=list(CASES))
async def test_the_plan_answers_as_graphql_core(query: str) -> None:
    document = parse(query)
    planned = await run_plan(
        _schema([]), document, variables=None, operation_name=None, context=None
    )
    generic = await execute_generic(
        _schema([]), document, variables=None, operation_name=None, context=None
    )
    # Siblings of a propagated error settle in the background: let them finish in both.
    await asyncio.sleep(0.01)
    assert isinstance(compile_plan(_schema([]), document, None), Plan)
    assert _wire(planned) == _wire(generic)


VARIABLE_CASES = [
    ("query($t: String, $n: Int! = 2) { echo(text: $t, times: $n) }", {"t": "ab"}),
    ("query($t: String, $n: Int! = 2) { echo(text: $t, times: $n) }", {}),
    ("query($t: String, $n: Int! = 2) { echo(text: $t, times: $n) }", {"n": "two"}),
    ("query($t: String!) { echo(text: $t) }", {}),
    ("query($t: String!) { echo(text: $t) }", None),
]


@pytest.mark.parametrize(("query", "variables"), VARIABLE_CASES)
async def test_variables_are_coerced_as_graphql_core_does(
    query: str, variables: dict[str, Any] | None
) -> None:
    document = parse(query)
    planned = await run_plan(
        _schema([]), document, variables=variables, operation_name=None, context=None
    )
    generic = await execute_generic(
        _schema([]), document, variables=variables, operation_name=None, context=None
    )
    assert _wire(planned) == _wire(generic)


async def test_mutation_fields_run_one_after_the_other() -> None:
    document = parse("mutation { a: first b: second c: first }")
    planned_log: list[str] = []
    generic_log: list[str] = []
    planned = await run_plan(
        _schema(planned_log), document, variables=None, operation_name=None, context=None
    )
    generic = await execute_generic(
        _schema(generic_log), document, variables=None, operation_name=None, context=None
    )
    assert _wire(planned) == _wire(generic)
    assert planned_log == generic_log
    assert planned_log[:3] == ["start first", "end first", "start second"]


async def test_a_query_starts_its_fields_together() -> None:
    """The awaitables of one selection set are gathered, not awaited in turn: what lets
    dataloaders batch."""
    started: list[int] = []
    both_started = asyncio.Event()
    release = asyncio.Event()
    schema = build_schema("type Query { a: Int b: Int }")

    def waiting(value: int) -> Any:
        async def resolve(*_: Any) -> int:
            started.append(value)
            if len(started) == 2:
                both_started.set()
            await release.wait()
            return value

        return resolve

    assert schema.query_type is not None
    schema.query_type.fields["a"].resolve = waiting(1)
    schema.query_type.fields["b"].resolve = waiting(2)
    running = asyncio.ensure_future(
        run_plan(schema, parse("{ a b }"), variables=None, operation_name=None, context=None)
    )
    # Awaited in turn, `a` would wait for ever for a release only `b` starting gives.
    await asyncio.wait_for(both_started.wait(), timeout=5)
    release.set()
    assert (await running).data == {"a": 1, "b": 2}


FALLBACKS = {
    "subscription": ("subscription { ok }", None, "subscription"),
    "incremental": ("{ item { id ... @defer { name } } }", None, "incremental"),
    "variable-directive": (
        "query($b: Boolean!) { ok @include(if: $b) }",
        None,
        "variable-directive",
    ),
    "introspection": ("{ __schema { queryType { name } } }", None, "introspection"),
    "two operations, no name": ("query A { ok } query B { ok }", None, "operation"),
    "unknown operation": ("query A { ok }", "B", "operation"),
    "operation directive": ("query A @skip(if: true) { ok }", None, "directive"),
}


@pytest.mark.parametrize(("query", "name", "reason"), FALLBACKS.values(), ids=list(FALLBACKS))
def test_what_falls_back_and_why(query: str, name: str | None, reason: str) -> None:
    assert compile_plan(_schema([]), parse(query), name) == Fallback(reason)


async def test_a_fallback_answers_as_graphql_core() -> None:
    document = parse("query($b: Boolean!) { ok @include(if: $b) boom }")
    planned = await run_plan(
        _schema([]), document, variables={"b": True}, operation_name=None, context=None
    )
    assert planned.data == {"ok": "ok", "boom": None}
    assert [e.message for e in planned.errors or ()] == ["boom"]


def test_constant_arguments_are_coerced_once_and_variables_per_run() -> None:
    plan = compile_plan(
        _schema([]), parse('query($n: Int!) { a: echo(text: "x") b: echo(times: $n) }'), None
    )
    assert isinstance(plan, Plan)
    a, b = plan.fields
    assert a.arguments == {"text": "x", "times": 1}
    assert b.arguments is None


class _Allowed(strawberry.BasePermission):
    message = "not allowed"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return bool(info.context == "allowed")


@strawberry.type
class _Thing:
    plain: str
    guarded: str = strawberry.field(permission_classes=[_Allowed])


@strawberry.enum
class _Size(Enum):
    SMALL = "small"
    LARGE = "large"


@strawberry.type
class _Query:
    @strawberry.field
    def thing(self) -> _Thing:
        return _Thing(plain="p", guarded="g")

    @strawberry.field
    def method(self) -> str:
        return f"method of {self!r}"

    @strawberry.field
    async def with_info(self, info: strawberry.Info) -> str:
        return f"{info.field_name} in {info.context}"

    @strawberry.field
    def with_root(self, root: Any) -> str:
        return f"root {root!r}"

    @strawberry.field
    async def fails(self) -> str | None:
        raise ValueError("failed resolver")

    @strawberry.field
    def with_argument(self, times: int = 2) -> str:
        return "x" * times

    @strawberry.field
    def with_enum(self, size: _Size = _Size.SMALL) -> str:
        # strawberry converts an enum argument: the plan keeps its wrapper.
        return f"{size!r}"


DIRECT = """{ method withInfo withRoot fails withArgument a: withArgument(times: 3)
  withEnum b: withEnum(size: LARGE) }"""


@pytest.mark.parametrize("context", ["allowed", "refused"])
async def test_strawberry_resolvers_called_directly_answer_the_same(context: str) -> None:
    schema = strawberry.Schema(query=_Query)._schema
    document = parse(DIRECT)
    plan = compile_plan(schema, document, None)
    assert isinstance(plan, Plan)
    direct = [f.response_name for f in plan.fields if f.direct is not None]
    # Scalar arguments are passed on as coerced; the enum's go through strawberry.
    assert direct == ["method", "withInfo", "withRoot", "fails", "withArgument", "a"]
    planned = await run_plan(schema, document, variables=None, operation_name=None, context=context)
    generic = await execute_generic(
        schema, document, variables=None, operation_name=None, context=context
    )
    assert _wire(planned) == _wire(generic)
    assert planned.data is not None
    assert planned.data["withInfo"] == f"withInfo in {context}"
    assert planned.data["fails"] is None
    assert (planned.data["withArgument"], planned.data["a"]) == ("xx", "xxx")
    assert planned.data["b"] == repr(_Size.LARGE)


@pytest.mark.parametrize("context", ["allowed", "refused"])
async def test_a_field_without_resolver_but_with_permissions_gets_its_info(context: str) -> None:
    """strawberry marks that field's wrapper as a default resolver too: the plan must not
    read it as a plain attribute."""
    schema = strawberry.Schema(query=_Query)._schema
    document = parse("{ thing { plain guarded } }")
    plan = compile_plan(schema, document, None)
    assert isinstance(plan, Plan)
    planned = await run_plan(schema, document, variables=None, operation_name=None, context=context)
    generic = await execute_generic(
        schema, document, variables=None, operation_name=None, context=context
    )
    assert _wire(planned) == _wire(generic)
    assert (planned.data is None) == (context == "refused")


async def test_a_compiler_failure_falls_back_and_still_answers(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise KeyError("a compiler bug")

    monkeypatch.setattr("gateway.plan.compiler.collect_fields", broken)
    document = parse("{ ok boom }")
    assert compile_plan(_schema([]), document, None) == Fallback("compile-error")
    answer = await run_plan(
        _schema([]), document, variables=None, operation_name=None, context=None
    )
    assert answer.data == {"ok": "ok", "boom": None}
    assert "compiling a plan failed" in caplog.text
