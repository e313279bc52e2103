"""The frames of an answer in parts, on a small schema of its own run by strawberry's
incremental execution: a deferred part's unexpected error masked by the gateway, the two
wire formats, and the merge for clients that take no parts."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import pytest
import strawberry
from strawberry.schema.config import StrawberryConfig

from gateway import incremental
from gateway.media import Parts


@strawberry.type
class Screen:
    @strawberry.field
    async def slow(self) -> str:
        await asyncio.sleep(0)
        return "slow"

    @strawberry.field
    async def broken(self) -> str | None:
        raise RuntimeError("secret detail of a bug")

    @strawberry.field
    async def items(self) -> list[int]:
        return [1, 2, 3]


@strawberry.type
class Query:
    @strawberry.field
    def fast(self) -> str:
        return "fast"

    @strawberry.field
    def screen(self) -> Screen:
        return Screen()


SCHEMA = strawberry.Schema(
    query=Query, config=StrawberryConfig(enable_experimental_incremental_execution=True)
)


@dataclass
class _Context:
    request_id: str = "req-123456"


async def _frames(query: str) -> list[dict[str, Any]]:
    first, rest = await incremental.start(SCHEMA, query, None, _Context(), None)
    return [first, *[frame async for frame in rest]]


async def _iterate(frames: list[dict[str, Any]]) -> Any:
    for frame in frames:
        yield frame


async def test_a_deferred_parts_unexpected_error_is_masked_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="gateway.errors"):
        frames = await _frames("{ fast screen { ... @defer { broken } } }")
    errors = [e for f in frames for i in f.get("incremental", []) for e in i.get("errors", [])]
    assert errors == [
        {
            "message": "internal error",
            "locations": [{"line": 1, "column": 30}],
            "path": ["screen", "broken"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-123456"},
        }
    ]
    assert "req-123456" in caplog.text
    assert "secret detail of a bug" in caplog.text  # the cause, in the log only


async def test_apollo_format_puts_paths_and_stream_indexes() -> None:
    frames = await _frames(
        '{ fast screen { ... @defer(label: "s") { slow } items @stream(initialCount: 1) } }'
    )
    apollo = [f async for f in incremental.in_format(_iterate(frames), Parts.APOLLO)]
    assert apollo[0] == {"data": {"fast": "fast", "screen": {"items": [1]}}, "hasNext": True}
    entries = [i for f in apollo[1:] for i in f.get("incremental", [])]
    assert {"data": {"slow": "slow"}, "path": ["screen"], "label": "s"} in entries
    streamed = [e for e in entries if "items" in e]
    assert streamed[0]["path"] == ["screen", "items", 1]
    assert [n for e in streamed for n in e["items"]] == [2, 3]
    assert apollo[-1]["hasNext"] is False
    assert all("pending" not in f and "completed" not in f for f in apollo)


async def test_the_merged_answer_is_the_whole_one() -> None:
    frames = await _frames("{ fast screen { ... @defer { slow } items @stream(initialCount: 1) } }")
    whole = await incremental.merge(_iterate(frames))
    assert whole == {"data": {"fast": "fast", "screen": {"items": [1, 2, 3], "slow": "slow"}}}


def test_which_operations_ask_for_parts() -> None:
    assert incremental.asks_for_parts("{ a ... @defer { b } }")
    assert incremental.asks_for_parts("{ a @ stream(initialCount: 0) }")
    assert not incremental.asks_for_parts("{ deferred streamed }")


async def test_a_stream_inside_a_deferred_part_is_numbered_from_its_first_items() -> None:
    frames = await _frames("{ fast ... @defer { screen { items @stream(initialCount: 2) } } }")
    apollo = [f async for f in incremental.in_format(_iterate(frames), Parts.APOLLO)]
    entries = [i for f in apollo[1:] for i in f.get("incremental", [])]
    assert {"data": {"screen": {"items": [1, 2]}}, "path": []} in entries
    assert {"items": [3], "path": ["screen", "items", 2]} in entries
    # The frames handed out are not changed by what came after them.
    assert apollo[0] == {"data": {"fast": "fast"}, "hasNext": True}
