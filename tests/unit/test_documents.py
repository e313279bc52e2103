"""The shape walk (each fragment once, same measures as walking every spread) and the
documents kept (only valid ones, within a byte budget that errs on the high side)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Mapping
from typing import Any

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, get_introspection_query, parse
from prometheus_client import REGISTRY

from adapters.scope import request_scope
from bench.shape_check import _BeforeWalk, exponential
from gateway.cost import cost_table
from gateway.documents import (
    BYTES_PER_PLANNED_FIELD,
    Documents,
    build_documents,
    estimated_bytes,
)
from gateway.plan import Fallback, Plan, compile_plan
from gateway.plan.nodes import PlannedField
from gateway.refusal import RefusedError
from gateway.settings import Settings
from gateway.shape import measure
from schema.build import build_schema
from tests.api.queries import DASHBOARD, HOME_SCREEN

SCHEMA = build_schema()._schema
COSTS = cost_table(5)

WITH_FRAGMENTS = """
query Mixed($m: [Msisdn!]!) {
  me { ...Screen linkedNumbers { subscriber { ...Screen } } }
  a: subscribers(msisdns: $m) { ...Screen b: linkedNumbers { msisdn } }
}
fragment Screen on Subscriber { msisdn balance { ...Money } tariff { id } }
fragment Money on Balance { money { amount } nextChargeAmount { amount } }
"""

VARIABLES = {"m": ["+79000000001", "+79000000002", "+79000000003"]}


def _before(query: str, variables: Mapping[str, Any]) -> tuple[int, int, int, int]:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _BeforeWalk(SCHEMA, fragments, variables, COSTS)
    root = SCHEMA.get_root_type(operation.operation)
    cost = walk.selection_cost(root, operation.selection_set, 1, frozenset())
    return cost, walk.depth, walk.aliases, walk.longest_list


@pytest.mark.parametrize(
    ("query", "variables"),
    [(HOME_SCREEN, {}), (DASHBOARD, VARIABLES), (WITH_FRAGMENTS, VARIABLES), (exponential(6), {})],
)
def test_each_fragment_once_measures_what_walking_every_spread_did(
    query: str, variables: Mapping[str, Any]
) -> None:
    shape = measure(SCHEMA, COSTS, parse(query), None, variables)
    assert (shape.cost, shape.depth, shape.aliases, shape.longest_list) == _before(query, variables)


def test_the_expanded_size_of_exponential_fragments() -> None:
    assert measure(SCHEMA, COSTS, parse(exponential(40)), None, None).size == 2**40


def test_introspection_is_measured_apart() -> None:
    shape = measure(SCHEMA, COSTS, parse(get_introspection_query()), None, None)
    assert (shape.depth, shape.introspection_depth) == (0, 15)
    mixed = measure(
        SCHEMA, COSTS, parse('{ tariffs { id } __type(name: "X") { name } }'), None, None
    )
    assert (mixed.depth, mixed.introspection_depth) == (2, 2)


@pytest.mark.parametrize(
    "query",
    [
        HOME_SCREEN,
        get_introspection_query(descriptions=True),
        "{ " + "__typename " * 1990 + "}",
        "{ " + " ".join(f"a{i}: me {{ msisdn }}" for i in range(300)) + " }",
    ],
)
def test_the_estimate_of_a_kept_document_is_not_below_what_it_takes(query: str) -> None:
    tracemalloc.start()
    try:
        document = parse(query)
        taken, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert estimated_bytes(query, document) >= taken + len(query)


def _documents(max_bytes: int, max_entries: int = 1000) -> Documents:
    settings = Settings(
        _env_file=None, document_cache_bytes=max_bytes, parser_cache_size=max_entries
    )
    return build_documents(SCHEMA, settings)


def _gauge(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


def test_only_valid_documents_are_kept_within_the_budget() -> None:
    one = estimated_bytes(HOME_SCREEN, parse(HOME_SCREEN))
    documents = _documents(max_bytes=3 * one + one // 2)
    invalid = "{ me { nope } }"
    assert documents.validate(invalid) != []
    assert invalid not in documents
    texts = [f"# {i}\n{HOME_SCREEN}" for i in range(5)]
    for text in texts:
        assert documents.validate(text) == []
    # Three fit; the least recently used went first.
    assert [t in documents for t in texts] == [False, False, True, True, True]
    assert documents.bytes <= 3 * one + one // 2
    assert _gauge("tgw_document_cache_bytes") == documents.bytes
    assert _gauge("tgw_document_cache_entries") == 3


def test_the_entry_bound_holds_too() -> None:
    documents = _documents(max_bytes=10**9, max_entries=2)
    for i in range(4):
        assert documents.validate(f"{{ tariffs {{ id }} }} # {i}") == []
    assert len(documents) == 2


def test_a_kept_document_is_measured_once_per_operation() -> None:
    documents = _documents(max_bytes=10**9)
    assert documents.validate(HOME_SCREEN) == []
    first = documents.read(HOME_SCREEN, None, None)
    assert documents.read(HOME_SCREEN, None, None) is first


class _TickingClock:
    """time.monotonic() that moves one second a call: the deadline falls at a known node."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> float:
        self.calls += 1
        return float(self.calls)


def test_validation_stops_at_the_request_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    documents = _documents(max_bytes=10**9)
    query = exponential(8)
    clock = _TickingClock()
    monkeypatch.setattr("gateway.documents.time.monotonic", clock)
    with request_scope(0, 0) as scope:
        scope.deadline = 10.0  # passes at the tenth node the rule checks
        with pytest.raises(RefusedError) as refused:
            documents.validate(query)
    assert refused.value.code == "DEADLINE_EXCEEDED"
    assert clock.calls == 11  # stopped there, not at the end of the document
    assert query not in documents  # a document cut short is not kept


def test_validation_within_the_deadline_keeps_the_document() -> None:
    documents = _documents(max_bytes=10**9)
    with request_scope(60, 0):
        assert documents.validate(HOME_SCREEN) == []
    assert HOME_SCREEN in documents
    with request_scope(0, 0):
        # Kept: nothing left to do, so a spent deadline does not refuse it here (the
        # pipeline refuses it before executing: tests/api/test_limits.py).
        assert documents.validate(HOME_SCREEN) == []


def test_plans_are_kept_beside_their_documents_and_go_with_them() -> None:
    documents = _documents(max_bytes=10**9, max_entries=2)
    texts = [f"# {i}\n{HOME_SCREEN}" for i in range(3)]
    plans = []
    for text in texts:
        assert documents.validate(text) == []
        bytes_before = documents.bytes
        document, plan = documents.planned(text, None)
        assert isinstance(plan, Plan)
        # Compiled once, counted in the document's bytes.
        assert documents.planned(text, None) == (document, plan)
        assert documents.bytes == bytes_before + plan.size * BYTES_PER_PLANNED_FIELD
        plans.append(plan)
    assert len(documents) == 2
    assert documents.plans == 2
    assert _gauge("tgw_plan_cache_entries") == 2
    assert documents.bytes == sum(
        estimated_bytes(t, parse(t)) + BYTES_PER_PLANNED_FIELD * p.size
        for t, p in zip(texts[1:], plans[1:], strict=True)
    )


def test_a_document_not_kept_falls_back_unparsed_again() -> None:
    documents = _documents(max_bytes=10)
    assert documents.validate(HOME_SCREEN) == []
    assert HOME_SCREEN not in documents
    last = documents.parse(HOME_SCREEN)
    document, plan = documents.planned(HOME_SCREEN, None)
    assert document is last
    assert plan == Fallback("not-kept")


def _selected(field: PlannedField) -> dict[str, PlannedField]:
    completion = field.complete
    while completion.inner is not None:  # through non-null and list wrapping
        completion = completion.inner
    return {f.response_name: f for f in completion.fields}


def test_strawberrys_default_resolvers_are_read_as_attributes() -> None:
    plan = compile_plan(SCHEMA, parse(HOME_SCREEN), None)
    assert isinstance(plan, Plan)
    (me,) = plan.fields
    subscriber = _selected(me)
    money = _selected(_selected(subscriber["balance"])["money"]).values()
    assert [(f.attribute, f.plain) for f in money] == [("amount", None), ("currency", None)]
    # A field with its own resolver gets an info and its arguments.
    assert subscriber["balance"].attribute is None
    assert subscriber["balance"].resolve is not None
