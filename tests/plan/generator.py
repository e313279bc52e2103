"""Operations generated from the schema (hypothesis): the differential test's other half.

The strategy walks graphql-core's schema from Query (and, for a safe subset of actions,
from Mutation), choosing fields with valid arguments (numbers of the simulators' world,
the catalog's ids, enums, Decimal amounts, dates derived from the clock), aliases (the
same field twice under different aliases and different arguments among them), named and
inline fragments (with and without a type condition), `__typename`, `@include`/`@skip`
with constants and with variables (with and without defaults, given or left out), nested
lists, at a bounded depth and breadth. Every document it draws is valid by construction;
the trial asserts it against graphql-core's `validate`.

What keeps a document valid, briefly: a field taking arguments is either under an alias
of its own (unique in the document) or, unaliased, takes the one set of arguments drawn
for it in this document, so that two selections with the same response name always merge.

The schema has no union or interface: fragments are on the concrete object types (and
without a type condition), which is all a document of this schema can have.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import graphql
from hypothesis import strategies as st

from backends.catalog import PACKAGES, SERVICES, TARIFFS
from tests.plan.faults import READ_BACKENDS, Failure, Outage

# Marks in the variables that the trial fills in per run: the action's fresh number and a
# new idempotency key (hypothesis replays an example: a replay must not be a retry).
FRESH = "<fresh number>"
NEW_KEY = "<new key>"

MAX_DEPTH = 4
MAX_FIELDS = 4

# Actions a generated mutation may run: each changes only its own fresh number, and a
# second run under the same key replays the first (resolvers/idempotency.py).
SAFE_MUTATIONS = (
    "topUp",
    "setAutopay",
    "cancelAutopay",
    "connectService",
    "addPackage",
    "orderStatement",
)


class Enum(str):
    """An enum value: written bare in a document, as a string in variables."""


@dataclass(frozen=True, slots=True)
class Numbers:
    """The numbers a generated operation may name (tests/plan/operations.py's Cast)."""

    own: str
    linked: tuple[str, ...]
    stranger: str
    unknown: str
    now: datetime


@dataclass(frozen=True, slots=True)
class Generated:
    query: str
    variables: dict[str, Any]
    operation_name: str | None
    # Who asks: "own" (the subscriber of Numbers.own), "agent", "supervisor", "anonymous";
    # an action is asked by its fresh number's subscriber.
    caller: str
    changes: bool
    outage: Outage
    # "cold": the numbers' cached reads dropped first; "warm": the caches as they are;
    # "expired": the clock past a balance's freshness (a failing billing serves it stale).
    caches: str = "warm"


def literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


Draw = Callable[[st.SearchStrategy[Any]], Any]


@dataclass
class _Document:
    """What one draw has written so far: variables, fragments, names taken."""

    draw: Draw
    numbers: Numbers
    mutation: bool
    definitions: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    fragments: list[str] = field(default_factory=list)
    canonical: dict[tuple[str, str], str] = field(default_factory=dict)
    counter: int = 0

    def name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # -- values -------------------------------------------------------------------------

    def msisdns(self) -> st.SearchStrategy[str]:
        n = self.numbers
        typed = "8 " + n.own[2:5] + " " + n.own[5:8] + "-" + n.own[8:10] + "-" + n.own[10:]
        return st.sampled_from([n.own, *n.linked, n.stranger, n.unknown, typed])

    def value_of(self, parent: str, name: str, arg: str, kind: graphql.GraphQLInputType) -> Any:
        d = self.draw
        n = self.numbers
        today = n.now.date()
        first = today.replace(day=1)
        dates = [today, first, _month_back(first, 1), _month_back(first, 7), today + timedelta(1)]
        if arg == "idempotencyKey":
            return None  # written as a variable by _argument
        if arg == "msisdns":
            return d(st.lists(self.msisdns(), max_size=4))
        if arg in {"msisdn", "fromMsisdn", "toMsisdn"}:
            return d(self.msisdns())
        if arg == "tariffId":
            return d(st.sampled_from([t.id for t in TARIFFS] + ["T-NOPE"]))
        if arg == "serviceId":
            return d(st.sampled_from([s.id for s in SERVICES]))
        if arg == "packageId":
            return d(st.sampled_from([p.id for p in PACKAGES] + ["PKG-NOPE"]))
        if parent == "Subscriber" and arg in {"from", "to"}:
            return d(st.sampled_from([None, *(x.isoformat() for x in dates)]))
        if parent == "Mutation" and arg in {"from", "to"}:
            return d(st.sampled_from([x.isoformat() for x in dates]))
        if arg == "email":
            return d(st.sampled_from(["diff@example.com", "not-an-email"]))
        if arg == "format":
            return Enum(d(st.sampled_from(["PDF", "XLSX"])))
        if parent == "Query" and name == "auditLog":
            return self._audit_argument(arg)
        if parent == "Subscriber" and arg == "first":
            # topUps / statements: within the range, at its ends and outside (refused).
            return d(st.sampled_from([1, 3, 10, 50, 0, 51]))
        if arg in {"amount", "belowAmount"}:
            return d(st.sampled_from(["100", "10", "250.50", "1", "20000"]))
        if arg == "paymentMethod":
            return d(
                st.sampled_from(
                    [
                        {"cardToken": "tok_diff_visa"},
                        {"cardToken": "tok_declined"},
                        {"savedCardId": "card-nope"},
                        {"applePayToken": "apple_diff"},
                    ]
                )
            )
        raise LookupError(f"no value for {parent}.{name}({arg}: {kind})")

    def _audit_argument(self, arg: str) -> Any:
        d = self.draw
        n = self.numbers
        if arg == "to":
            # Agents' reads are logged at the clock's instant, asynchronously: `to`
            # (exclusive) at that instant keeps the page the same for both executors.
            return n.now.isoformat()
        if arg == "from":
            return d(st.sampled_from([None, (n.now - timedelta(days=1)).isoformat()]))
        if arg == "first":
            return d(st.sampled_from([1, 3, 50, 0, -1, 1000]))
        if arg == "after":
            return d(st.sampled_from([None, "not-a-cursor"]))
        if arg == "agent":
            return d(st.sampled_from([None, "agent-diff"]))
        if arg == "msisdn":
            return d(st.one_of(st.none(), self.msisdns()))
        raise LookupError(arg)

    # -- arguments and directives ---------------------------------------------------------

    def _argument(
        self, parent: str, name: str, arg: str, definition: graphql.GraphQLArgument
    ) -> str | None:
        d = self.draw
        kind = definition.type
        required = graphql.is_non_null_type(kind) and definition.default_value is graphql.Undefined
        if arg == "idempotencyKey":
            variable = self.name("k")
            self.definitions.append(f"${variable}: String")
            self.values[variable] = NEW_KEY
            return f"{arg}: ${variable}"
        if arg == "msisdn" and self.mutation and parent == "Mutation":
            return f"{arg}: $fresh"
        forced = parent == "Query" and name == "auditLog" and arg == "to"
        if not required and not forced and not d(st.booleans()):
            return None
        value = self.value_of(parent, name, arg, kind)
        if d(st.integers(0, 3)) == 0:
            return f"{arg}: {self._variable(kind, value)}"
        return f"{arg}: {literal(value)}"

    def _variable(self, kind: graphql.GraphQLInputType, value: Any) -> str:
        """A variable standing for `value`: given, or left to its default."""
        d = self.draw
        variable = self.name("v")
        written = str(kind)
        if graphql.get_named_type(kind).name == "Msisdn" and d(st.integers(0, 9)) == 0:
            # A value the scalar refuses (never as a default: the document would be
            # invalid): the request fails before anything runs.
            self.definitions.append(f"${variable}: {written}")
            self.values[variable] = "12" if written.startswith("Msisdn") else ["12"]
        elif d(st.booleans()) and value is not None:
            # Nullable, with the value as its default (allowed in a non-null position).
            nullable = written.removesuffix("!")
            self.definitions.append(f"${variable}: {nullable} = {literal(value)}")
            if d(st.booleans()):
                self.values[variable] = value
        else:
            self.definitions.append(f"${variable}: {written}")
            self.values[variable] = value
        return f"${variable}"

    def _directives(self) -> str:
        d = self.draw
        if d(st.integers(0, 4)) != 0:
            return ""
        which = d(st.sampled_from(["include", "skip"]))
        condition = d(st.booleans())
        how = d(st.sampled_from(["constant", "variable", "default"]))
        if how == "constant":
            return f" @{which}(if: {literal(condition)})"
        variable = self.name("b")
        if how == "variable":
            self.definitions.append(f"${variable}: Boolean!")
            self.values[variable] = condition
        else:
            self.definitions.append(f"${variable}: Boolean = {literal(condition)}")
            if d(st.booleans()):
                self.values[variable] = not condition
        return f" @{which}(if: ${variable})"

    # -- selections -----------------------------------------------------------------------

    def selection_set(self, parent: graphql.GraphQLObjectType, depth: int) -> str:
        d = self.draw
        items: list[str] = []
        for _ in range(d(st.integers(1, MAX_FIELDS))):
            kind = d(st.sampled_from(["field"] * 6 + ["typename", "inline", "fragment"]))
            if kind == "typename":
                alias = f"{self.name('t')}: " if d(st.booleans()) else ""
                items.append(f"{alias}__typename{self._directives()}")
            elif kind == "inline" and depth > 0:
                condition = f" on {parent.name}" if d(st.booleans()) else ""
                inner = self.selection_set(parent, depth - 1)
                items.append(f"...{condition}{self._directives()} {inner}")
            elif kind == "fragment" and depth > 0:
                fragment = self.name("F")
                inner = self.selection_set(parent, depth - 1)
                self.fragments.append(f"fragment {fragment} on {parent.name} {inner}")
                items.append(f"...{fragment}{self._directives()}")
            else:
                chosen = self._field(parent, depth)
                if chosen is not None:
                    items.extend(chosen)
        if not items:
            items.append("__typename")
        return "{ " + " ".join(items) + " }"

    def _field(self, parent: graphql.GraphQLObjectType, depth: int) -> list[str] | None:
        d = self.draw
        names = [
            name
            for name, definition in parent.fields.items()
            if depth > 0 or graphql.is_leaf_type(graphql.get_named_type(definition.type))
        ]
        if parent.name == "Mutation":
            names = [name for name in names if name in SAFE_MUTATIONS]
        if not names:
            return None
        name = d(st.sampled_from(names))
        definition = parent.fields[name]
        written = [self._one_field(parent, name, definition, depth)]
        if definition.args and d(st.integers(0, 3)) == 0:
            # The same field again under another alias, its arguments drawn anew.
            written.append(self._one_field(parent, name, definition, depth, aliased=True))
        return written

    def _one_field(
        self,
        parent: graphql.GraphQLObjectType,
        name: str,
        definition: graphql.GraphQLField,
        depth: int,
        aliased: bool = False,
    ) -> str:
        d = self.draw
        aliased = aliased or d(st.integers(0, 3)) == 0 or parent.name == "Mutation"
        arguments = ""
        if definition.args:
            if aliased or (parent.name, name) not in self.canonical:
                given = [
                    self._argument(parent.name, name, arg, argument)
                    for arg, argument in definition.args.items()
                ]
                written = [g for g in given if g is not None]
                arguments = f"({', '.join(written)})" if written else ""
                if not aliased:
                    self.canonical[(parent.name, name)] = arguments
            else:
                arguments = self.canonical[(parent.name, name)]
        alias = f"{self.name('a')}: " if aliased else ""
        head = f"{alias}{name}{arguments}{self._directives()}"
        named = graphql.get_named_type(definition.type)
        if isinstance(named, graphql.GraphQLObjectType):
            return f"{head} {self.selection_set(named, depth - 1)}"
        return head


def _month_back(first: date, months: int) -> date:
    year, month = divmod(first.year * 12 + first.month - 1 - months, 12)
    return date(year, month + 1, 1)


def outages() -> st.SearchStrategy[Outage]:
    failing = st.lists(
        st.tuples(st.sampled_from(READ_BACKENDS), st.sampled_from(list(Failure))),
        max_size=3,
        unique_by=lambda pair: pair[0],
    )
    return st.one_of(st.just(Outage()), failing.map(lambda pairs: Outage(tuple(pairs))))


@st.composite
def queries(draw: Draw, schema: graphql.GraphQLSchema, numbers: Numbers) -> Generated:
    document = _Document(draw, numbers, mutation=False)
    query = schema.query_type
    assert query is not None
    body = document.selection_set(query, draw(st.integers(1, MAX_DEPTH)))
    caller = draw(st.sampled_from(["own", "own", "agent", "supervisor", "anonymous"]))
    generated = _finish(draw, document, "query", body, caller, draw(outages()))
    caches = draw(st.sampled_from(["cold", "cold", "warm", "expired"]))
    return replace(generated, caches=caches)


@st.composite
def mutations(draw: Draw, schema: graphql.GraphQLSchema, numbers: Numbers) -> Generated:
    document = _Document(draw, numbers, mutation=True)
    mutation = schema.mutation_type
    assert mutation is not None
    document.definitions.append("$fresh: Msisdn!")
    document.values["fresh"] = FRESH
    # One action a document: with two, the first one's payload is read before the second
    # acts on the number, and in the replay after it -- a different state, not a different
    # executor (the page's documents hold one action each).
    name = draw(st.sampled_from(SAFE_MUTATIONS))
    body = "{ " + document._one_field(mutation, name, mutation.fields[name], MAX_DEPTH - 1) + " }"
    # Actions run with every backend up: a failed action's retry is a different request
    # (resolvers/idempotency.py), not the same answer replayed.
    return _finish(draw, document, "mutation", body, "fresh", Outage())


def _finish(
    draw: Draw, document: _Document, kind: str, body: str, caller: str, outage: Outage
) -> Generated:
    named = draw(st.booleans())
    name = "Generated" if named else ""
    variables = f"({', '.join(document.definitions)})" if document.definitions else ""
    head = f"{kind} {name}{variables}".strip() if (named or variables or kind != "query") else ""
    text = f"{head} {body}".strip()
    operation_name = None
    parts = [text, *document.fragments]
    if named and draw(st.integers(0, 3)) == 0:
        # Another operation beside it: the operation name then chooses.
        parts.append("query Other { __typename }")
        operation_name = "Generated"
    return Generated(
        "\n".join(parts), dict(document.values), operation_name, caller, kind == "mutation", outage
    )
