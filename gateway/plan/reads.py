"""How a planned field's value is read, decided from the resolver strawberry put on the
graphql-core field (read, not imported: the plan runs on graphql-core's schema alone).

strawberry wraps every resolver: the wrapper builds strawberry's `Info` from graphql-core's,
converts arguments to strawberry's input types, runs permission classes and field
extensions, then calls the resolver. When a field has none of these (no arguments, no
extensions, no permission classes, no exception handlers), the wrapper ends up calling
`resolver(source, info=Info)` or `resolver(source)`, and the plan does that call itself:

- a field without a resolver: an attribute read (`getattr(source, python_name)`);
- a resolver taking no `info`: called with its source alone, no info built at all;
- a resolver taking `info`: called with the `Info` strawberry's own factory makes.

Anything else, or any wrapper not shaped as expected, keeps strawberry's wrapper with a
graphql-core `GraphQLResolveInfo`: slower, never different.

A field declared with `metadata={READS_LOADED: True}` (schema/loaded_reads.py) promises
that its resolver awaits only dataloaders and in-process memos: the runner steps its
coroutine inline (gateway/plan/steps.py `step`) instead of leaving it to a task. One
declared with `READS_LOADED_FROM_CONTEXT` also promises to read nothing of its info but
`info.context`: generated code may call it (gateway/plan/codegen.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLField, GraphQLScalarType, get_nullable_type

# The metadata key of that promise; the schema spells it too (the plan may not import it).
READS_LOADED = "tgw.reads_loaded"
# And of the promise that the resolver reads nothing of its info but `info.context`.
CONTEXT_ONLY = "tgw.context_only"
# Where strawberry keeps its field on graphql-core's (GraphQLCoreConverter.DEFINITION_BACKREF).
_STRAWBERRY_FIELD = "strawberry-definition"


def steps_inline(definition: Any) -> bool:
    """Whether the field's declaration makes the promise above."""
    return _promised(definition, READS_LOADED)


def reads_only_context(definition: Any) -> bool:
    """Whether the field's resolver also promises to read only `info.context` of its info
    (schema/loaded_reads.py `READS_LOADED_FROM_CONTEXT`)."""
    return _promised(definition, READS_LOADED) and _promised(definition, CONTEXT_ONLY)


def _promised(definition: Any, key: str) -> bool:
    field = (definition.extensions or {}).get(_STRAWBERRY_FIELD)
    metadata = getattr(field, "metadata", None) or {}
    return metadata.get(key) is True


@dataclass(frozen=True, slots=True)
class DirectCall:
    """The resolver strawberry's wrapper would call, and what it would pass."""

    function: Callable[..., Any]
    # The source as the first positional argument (a method's `self`).
    source_first: bool
    # Keyword arguments given the source (`root`, `parent`).
    source_names: tuple[str, ...]
    # The keyword given strawberry's Info, and strawberry's factory of it.
    info_name: str | None
    make_info: Callable[[Any], Any] | None
    # Scalar arguments, (GraphQL name, the resolver's parameter): graphql-core's coerced
    # value is what strawberry would pass, under the parameter's name.
    renames: tuple[tuple[str, str], ...] = ()

    def call(self, source: Any, raw_info: Any, arguments: dict[str, Any] | None = None) -> Any:
        info = (
            self.make_info(raw_info)
            if self.info_name is not None and self.make_info is not None
            else None
        )
        return self.call_with(source, info, arguments)

    def call_with(self, source: Any, info: Any, arguments: dict[str, Any] | None = None) -> Any:
        """The call, given the info to pass as it is (generated code's stand-in)."""
        kwargs = dict.fromkeys(self.source_names, source)
        if self.info_name is not None:
            kwargs[self.info_name] = info
        if arguments:
            for name, parameter in self.renames:
                if name in arguments:
                    kwargs[parameter] = arguments[name]
        if self.source_first:
            return self.function(source, **kwargs)
        return self.function(**kwargs)


def is_basic(resolve: Any) -> bool:
    """strawberry's resolver of a field with no resolver, no permission classes and no
    extensions: it reads an attribute and ignores `info`. (strawberry also marks its full
    wrapper `_is_default` for a field with extensions but no resolver: that one needs its
    info.)"""
    return bool(getattr(resolve, "_is_default", False)) and (
        getattr(resolve, "__name__", "") == "_get_basic_result"
    )


def default_attribute(resolve: Any) -> str | None:
    """The attribute strawberry's basic-field resolver reads with getattr."""
    field = _free_variables(resolve).get("field")
    if (
        field is not None
        and getattr(field, "base_resolver", 1) is None
        and getattr(field, "default_resolver", None) is getattr
        and isinstance(getattr(field, "python_name", None), str)
    ):
        return str(field.python_name)
    return None


def direct_call(resolve: Any, definition: GraphQLField) -> DirectCall | None:
    """The call strawberry's wrapper makes, when it adds nothing else; None otherwise.
    Arguments are passed on when each is a scalar: strawberry converts input objects,
    enums and lists, and passes a scalar's coerced value as it is."""
    outer = _free_variables(resolve)
    if getattr(resolve, "__name__", "") not in ("_resolver", "_async_resolver"):
        return None
    if "field_exception_handlers" not in outer or outer["field_exception_handlers"]:
        return None
    make_info = outer.get("_strawberry_info_from_graphql")
    field = _free_variables(make_info).get("field")
    base = getattr(field, "base_resolver", None)
    if field is None or base is None:
        return None
    if field.extensions:
        return None
    renames = _scalar_renames(definition, field, base)
    if renames is None:
        return None
    # What the wrapper calls: StrawberryField.get_result -> StrawberryResolver.__call__.
    if type(field).get_result.__qualname__ != "StrawberryField.get_result":
        return None
    if type(base).__call__.__qualname__ != "StrawberryResolver.__call__":
        return None
    function = base.wrapped_func
    if not callable(function):
        return None
    info = base.info_parameter
    return DirectCall(
        function=function,
        source_first=base.self_parameter is not None,
        source_names=tuple(
            p.name for p in (base.parent_parameter, base.root_parameter) if p is not None
        ),
        info_name=info.name if info is not None else None,
        make_info=make_info if info is not None else None,
        renames=renames,
    )


def _scalar_renames(
    definition: GraphQLField, field: Any, base: Any
) -> tuple[tuple[str, str], ...] | None:
    """(GraphQL name, parameter) of each argument, or None when one is not a plain scalar
    or the field's arguments are not the resolver's."""
    if len(field.arguments) != len(definition.args) or field.arguments != base.arguments:
        return None
    renames = []
    for name, argument in definition.args.items():
        declared = (argument.extensions or {}).get(_STRAWBERRY_FIELD)
        parameter = getattr(declared, "python_name", None)
        if not isinstance(parameter, str) or declared not in base.arguments:
            return None
        if not isinstance(get_nullable_type(argument.type), GraphQLScalarType):
            return None
        renames.append((name, parameter))
    return tuple(renames)


def _free_variables(function: Any) -> dict[str, Any]:
    code = getattr(function, "__code__", None)
    closure = getattr(function, "__closure__", None)
    if code is None or closure is None:
        return {}
    values = {}
    for name, cell in zip(code.co_freevars, closure, strict=True):
        try:
            values[name] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    return values
