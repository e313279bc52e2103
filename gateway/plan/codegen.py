"""Completions written as Python: a plan's objects whose fields are all plain reads (an
attribute, or a synchronous resolver taking no arguments and no info), and the lists and
leaves under them, compiled once into functions that build the answer in one pass.

Such a subtree is most of an answer (a balance's quotas, a tariff's allowances, the
services, the offers), and the runner's generic walk spends on each of its fields what
graphql-core would: a path, a dispatch on the completion's kind, an await test. The
generated function does the same checks inline and nothing else.

It answers only when nothing is unusual: a value that is an exception, an unexpected
awaitable from a resolver, a null on a non-null field, a leaf that does not serialize, a
list that is not one, or any error raised while reading. Then it raises, the runner drops
what it built and completes the same value on its careful path, which raises the same
error graphql-core would, at the same path. A subtree's reads are pure (records and
their plain resolvers), so reading twice changes nothing."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from keyword import iskeyword
from types import CoroutineType
from typing import Any

from graphql.pyutils import Undefined, is_awaitable, is_iterable

from gateway.plan.leaves import CONDITION_NAMES, EnumNames, passed_as_is
from gateway.plan.nodes import LEAF, LIST, NON_NULL, OBJECT, Completion, PlannedField
from gateway.plan.steps import leave_task, reenter


class Unusual(Exception):  # noqa: N818 -- a signal to take the careful path, not a failure
    """Raised by generated code: the careful path completes this value instead."""


_UNUSUAL = Unusual()
# Values most resolvers answer, never awaitable: tested by type before graphql-core's test.
_PLAIN = frozenset({str, int, float, bool, type(None), dict, list, tuple})


class ContextInfo:
    """What generated code hands a resolver that reads only `info.context` (schema's
    `READS_LOADED_FROM_CONTEXT`): one per run, instead of graphql-core's and strawberry's
    info per field. Reading anything else of it raises, and the careful path answers."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


def _settled(value: Any) -> Any:
    """A resolver's value, its coroutine run inline up to its first wait, as
    gateway/plan/steps.py `step` runs one: outside the request's task, which the generated
    function left once for all its fields (`leave_task`). When it would wait (a record not
    read ahead), the coroutine is closed and the careful path answers: it calls the
    resolver again and awaits it. Such resolvers only read, so calling twice changes
    nothing."""
    if type(value) is not CoroutineType:
        return value
    try:
        waiting_on = value.send(None)
    except StopIteration as done:
        return done.value
    if getattr(waiting_on, "_asyncio_future_blocking", False):
        # No task takes this future from here (see `step`): its handshake flag cleared.
        waiting_on._asyncio_future_blocking = False
    value.close()
    raise _UNUSUAL


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {
            "_U": Undefined,
            "_S": _UNUSUAL,
            "_plain": _PLAIN,
            "_isaw": is_awaitable,
            "_iterable": is_iterable,
            "_Exception": Exception,
            "_list": list,
            "_settled": _settled,
            "_leave_task": leave_task,
            "_reenter": reenter,
            "_id": id,
            **CONDITION_NAMES,
        }
        self.count = 0
        # Whether any field is stepped inline (`_settled`): the function leaves the task.
        self.settles = False

    def name(self, prefix: str, value: Any) -> str:
        self.count += 1
        key = f"_{prefix}{self.count}"
        self.names[key] = value
        return key

    def function(self, prefix: str) -> str:
        self.count += 1
        return f"_{prefix}{self.count}"


def give_fast_paths(fields: tuple[PlannedField, ...]) -> None:
    """Set `fast` on the largest plain subtrees under `fields` (a subtree inside one that
    is fast already is never completed on its own)."""
    for field in fields:
        _assign(field.complete)


def _assign(completion: Completion) -> None:
    if _leaf(completion):
        # One leaf: a function would cost what the walk costs. (The compiler also shares
        # one `__typename` completion between plans: it must not be written to.)
        return
    fast = compile_completion(completion)
    if fast is not None:
        completion.fast = fast
    elif completion.kind is OBJECT:
        give_fast_paths(completion.fields)
    elif completion.inner is not None:
        _assign(completion.inner)


def _leaf(completion: Completion) -> bool:
    while completion.kind is NON_NULL and completion.inner is not None:
        completion = completion.inner
    return completion.kind is LEAF


def compile_completion(completion: Completion) -> Callable[[Any, Any], Any] | None:
    """A function completing a value as `completion` says, or None when some field under
    it is not a plain read (that part stays on the runner's walk)."""
    if not _plain(completion):
        return None
    writer = _Writer()
    entry = writer.function("complete")
    inner: list[str] = []
    _inline(writer, completion, "v", "r", inner, 2)
    body = [f"def {entry}(v, c):"]
    if writer.settles:
        # Fields stepped inline run outside the request's task (gateway/plan/steps.py),
        # left once here rather than once per field.
        body += ["    left = _leave_task()", "    try:", *inner, "        return r"]
        body += ["    finally:", "        _reenter(left)"]
    else:
        body += [line[4:] for line in inner] + ["    return r"]
    writer.lines.extend(body)
    source = "\n".join(writer.lines)
    namespace = dict(writer.names)
    exec(compile(source, f"<plan completion {entry}>", "exec"), namespace)  # noqa: S102
    function: Callable[[Any, Any], Any] = namespace[entry]
    return function


def _plain(completion: Completion) -> bool:
    kind = completion.kind
    if kind is LEAF:
        return True
    if kind is NON_NULL or kind is LIST:
        return completion.inner is not None and _plain(completion.inner)
    assert kind is OBJECT
    return all(_reads_plainly(field) and _plain(field.complete) for field in completion.fields)


def _reads_plainly(field: PlannedField) -> bool:
    if field.typename is not None or field.attribute is not None or field.plain is not None:
        attribute = field.attribute
        # Written into the source as `src.<attribute>`: only a plain identifier.
        return attribute is None or (attribute.isidentifier() and not iskeyword(attribute))
    direct = field.direct
    if direct is None:
        return False
    if field.inline and field.context_only:
        # Stepped inline by `_settled`, given `ContextInfo`; arguments only when constant.
        return not direct.renames or field.arguments is not None
    return (
        direct.info_name is None
        and not direct.renames
        and not field.inline
        and not inspect.iscoroutinefunction(direct.function)
    )


def _inline(
    writer: _Writer, completion: Completion, value: str, result: str, out: list[str], depth: int
) -> None:
    pad = "    " * depth
    if completion.kind is NON_NULL:
        assert completion.inner is not None
        _inline(writer, completion.inner, value, result, out, depth)
        out.append(f"{pad}if {result} is None: raise _S")
        return
    coerce = completion.coerce if completion.kind is LEAF else None
    passed = passed_as_is(coerce)
    if passed is not None:
        # What the serializer would answer anyway (gateway/plan/leaves.py): most leaves.
        exact, rest = passed
        test = f"{value}.__class__ is {writer.name('cls', exact)}" + rest.format(v=value)
        out.append(f"{pad}if {test}:")
        out.append(f"{pad}    {result} = {value}")
        out.append(f"{pad}elif {value} is None or {value} is _U:")
    elif isinstance(coerce, EnumNames):
        # A member's name looked up here, as the serializer would (gateway/plan/leaves.py);
        # a value not a member, or a member without a name, goes through it.
        members = writer.name("cls", coerce.members)
        names = writer.name("names", coerce.names)
        found = f"({result} := {names}.get(_id({value})))"
        out.append(f"{pad}if {value}.__class__ is {members} and {found} is not None:")
        out.append(f"{pad}    pass")
        out.append(f"{pad}elif {value} is None or {value} is _U:")
    else:
        out.append(f"{pad}if {value} is None or {value} is _U:")
    out.append(f"{pad}    {result} = None")
    out.append(f"{pad}elif isinstance({value}, _Exception):")
    out.append(f"{pad}    raise _S")
    out.append(f"{pad}else:")
    inner = pad + "    "
    if completion.kind is LEAF:
        serializer = writer.name("coerce", completion.coerce)
        out.append(f"{inner}{result} = {serializer}({value})")
        out.append(f"{inner}if {result} is None or {result} is _U: raise _S")
    elif completion.kind is OBJECT:
        out.append(f"{inner}{result} = {_object(writer, completion)}({value}, c)")
    else:
        out.append(f"{inner}{result} = {_list(writer, completion)}({value}, c)")


def _object(writer: _Writer, completion: Completion) -> str:
    name = writer.function("object")
    body = [f"def {name}(src, c):"]
    keys: list[str] = []
    for index, field in enumerate(completion.fields):
        value = f"v{index}"
        result = f"r{index}"
        if field.typename is not None:
            body.append(f"    {result} = {field.typename!r}")
        else:
            body.append(f"    {value} = {_read(writer, field)}")
            if field.attribute is None:
                # A resolver might hand back an awaitable: the careful path awaits it.
                # Tested by type first: most values are plain, and this is asked of every
                # resolved field.
                test = f"type({value}) not in _plain and _isaw({value})"
                body.append(f"    if {test}: raise _S")
            _inline(writer, field.complete, value, result, body, 1)
        keys.append(f"{field.response_name!r}: {result}")
    body.append("    return {" + ", ".join(keys) + "}")
    writer.lines.extend(body)
    writer.lines.append("")
    return name


def _read(writer: _Writer, field: PlannedField) -> str:
    if field.attribute is not None:
        return f"src.{field.attribute}"
    if field.plain is not None:
        return f"{writer.name('plain', field.plain)}(src, None)"
    direct = field.direct
    assert direct is not None
    if field.inline and field.context_only:
        writer.settles = True
        if direct.source_first and not direct.source_names and not direct.renames:
            # Called as `call_with` would call it, without building its keywords each time.
            given = f"{direct.info_name}=c" if direct.info_name is not None else ""
            return f"_settled({writer.name('resolver', direct.function)}(src, {given}))"
        arguments = writer.name("arguments", field.arguments) if direct.renames else "None"
        call = f"{writer.name('direct', direct)}.call_with(src, c, {arguments})"
        return f"_settled({call})"
    if direct.source_first and not direct.source_names:
        return f"{writer.name('resolver', direct.function)}(src)"
    return f"{writer.name('direct', direct)}.call(src, None)"


def _list(writer: _Writer, completion: Completion) -> str:
    assert completion.inner is not None
    name = writer.function("list")
    body = [
        f"def {name}(v, c):",
        "    if type(v) is not _list and (hasattr(v, '__aiter__') or not _iterable(v)):",
        "        raise _S",
        "    out = []",
        "    for x in v:",
    ]
    _inline(writer, completion.inner, "x", "y", body, 2)
    body.append("        out.append(y)")
    body.append("    return out")
    writer.lines.extend(body)
    writer.lines.append("")
    return name
