"""TMF query parsing: batch values, the lost plus, paging, and strictness."""

from __future__ import annotations

import pytest

from backends.kit.errors import TmfError
from backends.kit.filters import field_values, parse_query, split_values

ALLOWED = {"logicalResource.id", "usageType", "date.gte"}


def test_comma_separated_values_are_deduplicated_in_order() -> None:
    assert split_values("+79000000002,+79000000001,+79000000002,") == (
        "+79000000002",
        "+79000000001",
    )


def test_a_plus_that_arrived_as_a_space_is_restored() -> None:
    assert split_values(" 79000000001, 79000000002") == ("+79000000001", "+79000000002")
    query = parse_query({"date.gte": "2026-11-01T00:00:00 03:00"}, ALLOWED)
    assert query.single("date.gte") == "2026-11-01T00:00:00+03:00"


def test_paging_and_generic_filters() -> None:
    entities = [
        {"usageType": "data", "logicalResource": [{"id": "+79000000001"}]},
        {"usageType": "voice", "logicalResource": [{"id": "+79000000001"}]},
        {"usageType": "data", "logicalResource": [{"id": "+79000000002"}]},
    ]
    query = parse_query({"usageType": "data,sms", "offset": "1", "limit": "5"}, ALLOWED)
    page, total = query.select(entities, dict)
    assert (page, total) == ([entities[2]], 2)
    query = parse_query({"logicalResource.id": "+79000000002"}, ALLOWED)
    assert query.select(entities, dict) == ([entities[2]], 1)
    assert list(field_values({"a": [{"b": True}, {"b": 2}]}, "a.b")) == ["true", "2"]


@pytest.mark.parametrize(
    "params",
    [
        {"usage": "data"},
        {"limit": "-1"},
        {"offset": "one"},
        {"usageType": ","},
        {"date.gte": "a,b"},
    ],
)
def test_bad_parameters_are_400(params: dict[str, str]) -> None:
    with pytest.raises(TmfError) as raised:
        parse_query(params, ALLOWED).single("date.gte")
    assert raised.value.status == 400
