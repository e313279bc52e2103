"""Executing a compiled plan: graphql-core's execution algorithm, minus its per-field
generic work.

Each step mirrors graphql-core's Executor (graphql/execution/executor.py) so that the
answer is the same: fields of a selection set start in order and their awaitables are
gathered together (dataloaders batch exactly as before), mutation fields run one after
the other, a raised error is located (`located_error`) at the field's nodes and path, a
null on a non-null field propagates to the nearest nullable parent, and errors under a
position already nulled are dropped (graphql-core's `CollectedErrors`). What is gone:
collecting fields per object, looking up definitions, building a `GraphQLResolveInfo`
for a field read by strawberry's default resolver, awaiting values already there."""

from __future__ import annotations

from asyncio import gather, get_running_loop
from collections.abc import Awaitable, Sequence
from types import CoroutineType
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    located_error,
)
from graphql.execution.executor import CollectedErrors
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.pyutils import Path, Undefined, gather_with_cancel, inspect, is_awaitable, is_iterable
from graphql.type.definition import GraphQLResolveInfoHelpers

from adapters import metrics
from gateway.plan.codegen import ContextInfo
from gateway.plan.compiler import compile_plan
from gateway.plan.fallback import Fallback, execute_generic
from gateway.plan.nodes import LEAF, LIST, NON_NULL, OBJECT, Completion, Plan, PlannedField
from gateway.plan.steps import Resumed, step

_NO_VARIABLES = VariableValues({}, {})
# Values most fields answer, never awaitable: checked by type before graphql-core's test
# (whose `hasattr(value, "__await__")` costs a failed lookup per plain value).
_PLAIN = frozenset({str, int, float, bool, type(None), dict, list, tuple})


def _is_awaitable(value: Any) -> bool:
    kind = type(value)
    if kind is CoroutineType or kind is Resumed:
        return True
    return kind not in _PLAIN and is_awaitable(value)


# graphql-core's default, which strawberry's execute keeps.
_MAX_COERCION_ERRORS = 50


async def run_plan(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    context: Any,
    root: Any = None,
) -> ExecutionResult:
    """What graphql-core's executor answers for this validated document, through a plan
    compiled here (no cache: the gateway keeps plans beside its documents)."""
    plan = compile_plan(schema, document, operation_name)
    return await run_compiled(
        plan,
        schema,
        document,
        variables=variables,
        operation_name=operation_name,
        context=context,
        root=root,
    )


async def run_compiled(
    plan: Plan | Fallback,
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    context: Any,
    root: Any = None,
    hide_suggestions: bool = False,
) -> ExecutionResult:
    """Run an already compiled plan; a `Fallback` runs on graphql-core and is counted."""
    if isinstance(plan, Fallback):
        metrics.PLAN_FALLBACKS.labels(plan.reason).inc()
        return await execute_generic(
            schema,
            document,
            variables=variables,
            operation_name=operation_name,
            context=context,
            root=root,
            hide_suggestions=hide_suggestions,
        )
    metrics.PLANNED_EXECUTIONS.inc()
    values = _NO_VARIABLES
    if plan.has_variables:
        coerced = get_variable_values(
            schema,
            plan.operation.variable_definitions or (),
            variables or {},
            max_errors=_MAX_COERCION_ERRORS,
            hide_suggestions=hide_suggestions,
        )
        if isinstance(coerced, list):
            return ExecutionResult(None, coerced)
        values = coerced
    run = _Run(schema, plan, values, context, root, hide_suggestions)
    data: Any
    try:
        if plan.serial:
            data = await _execute_serially(run, plan.fields, root)
        else:
            data = _execute_fields(run, plan.fields, root, None)
            if _is_awaitable(data):
                data = await data
    except GraphQLError as error:
        run.errors.add(error, None)
        data = None
    finally:
        run.release()
    return ExecutionResult(data, run.errors.errors or None)


class _Run:
    """One execution's state: what graphql-core keeps on its Executor."""

    __slots__ = (
        "background",
        "context",
        "errors",
        "helpers",
        "hide_suggestions",
        "loop",
        "plan",
        "root",
        "schema",
        "stand_in",
        "variables",
    )

    def __init__(
        self,
        schema: GraphQLSchema,
        plan: Plan,
        variables: VariableValues,
        context: Any,
        root: Any,
        hide_suggestions: bool,
    ) -> None:
        self.schema = schema
        self.plan = plan
        self.variables = variables
        self.context = context
        self.root = root
        self.hide_suggestions = hide_suggestions
        self.errors = CollectedErrors()
        self.loop = get_running_loop()
        self.background: set[Any] = set()
        # Built with the first info (`info`), dropped when the run ends (`release`): its
        # bound methods refer back to this run, a cycle that held the whole request (its
        # context, loaders and records) until the collector's next pass.
        self.helpers: GraphQLResolveInfoHelpers | None = None
        self.stand_in = ContextInfo(context)

    def release(self) -> None:
        """The run is over: its infos keep their helpers, it no longer does."""
        self.helpers = None

    def info(self, field: PlannedField, path: Path) -> GraphQLResolveInfo[Any]:
        plan = self.plan
        helpers = self.helpers
        if helpers is None:
            helpers = self.helpers = GraphQLResolveInfoHelpers(gather=self.gather, track=self.track)
        return GraphQLResolveInfo(
            field.field_name,
            field.nodes,
            field.definition.type,
            field.parent_type,
            path,
            self.schema,
            plan.fragments,
            self.root,
            plan.operation,
            self.variables,
            self.context,
            is_awaitable,
            None,
            helpers,
        )

    def gather(self, values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
        return gather_with_cancel(*values)

    def track(self, values: Sequence[Any]) -> None:
        awaitables = [v for v in values if _is_awaitable(v)]
        if awaitables:
            self.settle(awaitables)

    def settle(self, awaitables: list[Any]) -> None:
        """Let siblings of a propagating error finish in the background, as graphql-core
        does, so their own errors are still observed."""
        get_running_loop()
        future = gather(*awaitables, return_exceptions=True)
        self.background.add(future)
        future.add_done_callback(self.background.discard)

    def field_error(
        self, raw: Exception, nullable: bool, nodes: list[FieldNode], path: Path
    ) -> None:
        error = located_error(raw, nodes, path.as_list())
        if not nullable:
            raise error
        self.errors.add(error, path)


async def _execute_serially(
    run: _Run, fields: tuple[PlannedField, ...], source: Any
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for field in fields:
        result = _execute_field(
            run, field, source, Path(None, field.response_name, field.parent_name)
        )
        if _is_awaitable(result):
            result = await result
        results[field.response_name] = result
    return results


def _execute_fields(
    run: _Run, fields: tuple[PlannedField, ...], source: Any, path: Path | None
) -> Any:
    results: dict[str, Any] = {}
    pending: list[str] = []
    try:
        for field in fields:
            name = field.response_name
            result = _execute_field(run, field, source, Path(path, name, field.parent_name))
            results[name] = result
            if _is_awaitable(result):
                pending.append(name)
    except Exception:
        if pending:
            run.settle([results[name] for name in pending])
        raise
    if not pending:
        return results
    return _gather_pending(results, pending)


async def _gather_pending(answer: Any, pending: list[Any]) -> Any:
    """Await the awaitables at `pending` (the keys of a selection set's dict, or the
    indexes of a list's items) together, each answer in its place."""
    if len(pending) == 1:
        at = pending[0]
        answer[at] = await answer[at]
    else:
        awaited = await gather_with_cancel(*(answer[at] for at in pending))
        for at, value in zip(pending, awaited, strict=True):
            answer[at] = value
    return answer


def _execute_field(run: _Run, field: PlannedField, source: Any, path: Path) -> Any:
    complete = field.complete
    try:
        if field.attribute is not None:
            result = getattr(source, field.attribute)
        elif field.typename is not None:
            return field.typename
        elif field.plain is not None:
            result = field.plain(source, None)
        elif field.direct is not None:
            direct = field.direct
            info = run.info(field, path) if direct.info_name else None
            if direct.renames:
                arguments = field.arguments
                if arguments is None:
                    arguments = get_argument_values(
                        field.definition, field.nodes[0], run.variables, None, run.hide_suggestions
                    )
                result = direct.call(source, info, arguments)
            else:
                result = direct.call(source, info)
        else:
            info = run.info(field, path)
            arguments = field.arguments
            if arguments is None:
                arguments = get_argument_values(
                    field.definition,
                    field.nodes[0],
                    run.variables,
                    None,
                    run.hide_suggestions,
                )
            result = field.resolve(source, info, **arguments)  # type: ignore[misc]
        if field.inline and type(result) is CoroutineType:
            result = step(run.loop, result)
        if _is_awaitable(result):
            return _complete_awaitable(run, field, complete, path, result)
        completed = _complete(run, field, complete, path, result)
        if not complete.sync and _is_awaitable(completed):
            return _await_completed(run, field, complete, path, completed)
    except Exception as raw:
        run.field_error(raw, complete.kind is not NON_NULL, field.nodes, path)
        return None
    return completed


async def _complete_awaitable(
    run: _Run, field: PlannedField, complete: Completion, path: Path, result: Any
) -> Any:
    try:
        resolved = await result
        completed = _complete(run, field, complete, path, resolved)
        if not complete.sync and _is_awaitable(completed):
            completed = await completed
    except Exception as raw:
        run.field_error(raw, complete.kind is not NON_NULL, field.nodes, path)
        completed = None
    return completed


async def _await_completed(
    run: _Run, field: PlannedField, complete: Completion, path: Path, completed: Any
) -> Any:
    try:
        return await completed
    except Exception as raw:
        run.field_error(raw, complete.kind is not NON_NULL, field.nodes, path)
        return None


def _complete(run: _Run, field: PlannedField, complete: Completion, path: Path, result: Any) -> Any:
    fast = complete.fast
    if fast is not None:
        try:
            return fast(result, run.stand_in)
        except Exception:  # noqa: S110 -- the careful path below says what was wrong, where
            pass
    if isinstance(result, Exception):
        raise result
    kind = complete.kind
    if kind is NON_NULL:
        completed = _complete(run, field, complete.inner, path, result)  # type: ignore[arg-type]
        if completed is None:
            raise TypeError(field.null_message)
        return completed
    if result is None or result is Undefined:
        return None
    if kind is LEAF:
        coerced = complete.coerce(result)  # type: ignore[misc]
        if coerced is Undefined or coerced is None:
            msg = (
                f"Expected `{inspect(complete.type)}.coerce_output_value("
                f"{inspect(result)})` to return non-nullable value, returned:"
                f" {inspect(coerced)}"
            )
            raise TypeError(msg)
        return coerced
    if kind is OBJECT:
        return _execute_fields(run, complete.fields, result, path)
    assert kind is LIST
    return _complete_list(run, field, complete.inner, path, result)  # type: ignore[arg-type]


def _complete_list(
    run: _Run, field: PlannedField, item: Completion, path: Path, result: Any
) -> Any:
    if type(result) is not list and (hasattr(result, "__aiter__") or not is_iterable(result)):
        # graphql-core would stream an async iterable; no field of the schema returns one.
        raise GraphQLError(field.iterable_message)
    nullable = item.kind is not NON_NULL
    completed: list[Any] = []
    pending: list[int] = []
    try:
        for index, value in enumerate(result):
            item_path = path.add_key(index, None)
            if _is_awaitable(value):
                completed.append(_complete_awaitable(run, field, item, item_path, value))
                pending.append(index)
                continue
            try:
                done = _complete(run, field, item, item_path, value)
            except Exception as raw:
                run.field_error(raw, nullable, field.nodes, item_path)
                completed.append(None)
                continue
            if not item.sync and _is_awaitable(done):
                completed.append(_await_completed(run, field, item, item_path, done))
                pending.append(index)
            else:
                completed.append(done)
    except Exception:
        if pending:
            run.settle([completed[index] for index in pending])
        raise
    if not pending:
        return completed
    return _gather_pending(completed, pending)
