"""Answers in parts: an operation with `@defer`/`@stream` runs through strawberry's
incremental execution (graphql-core's `experimental_execute_incrementally`), and its
frames are written the way the client asked (gateway/media.py).

The frames come from graphql-core in graphql-js 17's shape: a first one with `data` and
`pending` (`{id, path, label}` for each deferred fragment or stream, all started at once),
then as each is ready `{incremental: [{id, data | items, subPath, errors}], completed:
[{id, errors}], pending, hasNext}`. From them:

- `parts()` gives those frames with every error formatted by gateway/errors.py
  (strawberry's extensions see only the first frame, so a deferred part's unexpected
  error is masked here, with the request id, and its cause logged);
- `ApolloParts` rewrites them in Apollo Router's `deferSpec=20220824` format
  (`{incremental: [{data | items, path, label, errors}], hasNext}`, a failed fragment
  being `{data: null, path, errors}`);
- `merge()` folds them into one whole answer, for a client that accepts no parts;
- `multipart()` writes them as `multipart/mixed` (the incremental delivery over HTTP
  RFC, boundary `-`), each part sent as soon as it is ready.
"""

from __future__ import annotations

import copy
import re
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import orjson
from graphql import GraphQLError
from graphql.execution import SubsequentIncrementalExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from gateway.errors import format_error
from gateway.media import Parts

Frame = dict[str, Any]

# `@` and the name may be apart (`@ defer` is the same directive). A match inside a string
# or a comment only sends the operation down this path needlessly: it then yields one frame.
_DIRECTIVE = re.compile(r"@\s*(defer|stream)\b")
BOUNDARY = "-"


def asks_for_parts(query: str) -> bool:
    return _DIRECTIVE.search(query) is not None


def _errors(errors: Any, request_id: str, executed: bool) -> list[dict[str, Any]]:
    found = [e for e in errors or () if isinstance(e, GraphQLError)]
    return [format_error(e, request_id, executed) for e in found]


def frame(result: Any, request_id: str) -> Frame:
    """One strawberry/graphql-core result (a whole one, a subscription's event, the first
    or a later frame of an answer in parts) as a JSON-ready frame, its errors formatted."""
    if isinstance(result, PreExecutionError):
        return {"errors": _errors(result.errors, request_id, False)}
    out: Frame = {}
    if not isinstance(result, SubsequentIncrementalExecutionResult):
        # No data means execution never started (variables that could not be coerced).
        executed = result.data is not None
        errors = _errors(result.errors, request_id, executed)
        if errors:
            out["errors"] = errors
        if executed or not errors:
            out["data"] = result.data
    pending = getattr(result, "pending", None)
    if pending:
        out["pending"] = [
            {"id": p.id, "path": list(p.path), **({"label": p.label} if p.label else {})}
            for p in pending
        ]
    incremental = getattr(result, "incremental", None)
    if incremental:
        out["incremental"] = [_incremental(item, request_id) for item in incremental]
    completed = getattr(result, "completed", None)
    if completed:
        out["completed"] = [
            {"id": c.id, **({"errors": _errors(c.errors, request_id, True)} if c.errors else {})}
            for c in completed
        ]
    if hasattr(result, "has_next"):
        out["hasNext"] = bool(result.has_next)
    return out


def _incremental(item: Any, request_id: str) -> Frame:
    out: Frame = {"id": item.id}
    if hasattr(item, "items"):
        out["items"] = item.items
    else:
        out["data"] = item.data
    if getattr(item, "sub_path", None):
        out["subPath"] = list(item.sub_path)
    if item.errors:
        out["errors"] = _errors(item.errors, request_id, True)
    return out


async def parts(results: AsyncIterator[Any], request_id: str) -> AsyncGenerator[Frame, None]:
    """The frames of an operation run by `Schema.stream`, in graphql-js 17's format.
    Closed early (the client went away), it closes the execution, and so its tasks."""
    try:
        async for result in results:
            yield frame(result, request_id)
    finally:
        closing = getattr(results, "aclose", None)
        if closing is not None:
            await closing()


class ApolloParts:
    """graphql-js 17 frames -> Apollo Router's deferSpec=20220824 frames (stateful: it
    remembers each pending id's path and label, and the data so far: a stream's items are
    numbered from the items already sent, which may have come in a deferred part)."""

    def __init__(self) -> None:
        self._paths: dict[str, list[Any]] = {}
        self._labels: dict[str, str] = {}
        self._streams: set[str] = set()
        self._data: Any = None

    def convert(self, frame: Frame) -> Frame:
        for pending in frame.get("pending", ()):
            self._paths[pending["id"]] = pending["path"]
            if "label" in pending:
                self._labels[pending["id"]] = pending["label"]
        out: Frame = {k: v for k, v in frame.items() if k in ("data", "errors")}
        if "data" in frame:
            # A copy: the frames handed out are never changed after the fact.
            self._data = copy.deepcopy(frame["data"])
        incremental = [self._item(item) for item in frame.get("incremental", ())]
        for done in frame.get("completed", ()):
            if "errors" in done:
                # A fragment that failed as a whole: Apollo's format says so as a null part.
                path = self._paths.get(done["id"], [])
                entry: Frame = {"errors": done["errors"], "path": path}
                if done["id"] not in self._streams:
                    entry = {"data": None, **entry}
                incremental.append(self._labelled(done["id"], entry))
        if incremental:
            out["incremental"] = incremental
        if "hasNext" in frame:
            out["hasNext"] = frame["hasNext"]
        return out

    def _item(self, item: Frame) -> Frame:
        base = self._paths.get(item["id"], [])
        if "items" in item:
            self._streams.add(item["id"])
            target = _at(self._data, base)
            # The items follow those already sent at the stream's path.
            index = len(target) if isinstance(target, list) else 0
            entry: Frame = {"items": item["items"], "path": [*base, index]}
            if isinstance(target, list):
                target.extend(copy.deepcopy(item["items"]))
        else:
            entry = {"data": item["data"], "path": [*base, *item.get("subPath", [])]}
            target = _at(self._data, entry["path"])
            if isinstance(target, dict) and isinstance(item["data"], dict):
                _deep_merge(target, copy.deepcopy(item["data"]))
        if "errors" in item:
            entry["errors"] = item["errors"]
        return self._labelled(item["id"], entry)

    def _labelled(self, pending_id: str, entry: Frame) -> Frame:
        if pending_id in self._labels:
            entry["label"] = self._labels[pending_id]
        return entry


def _at(data: Any, path: list[Any]) -> Any:
    for key in path:
        if isinstance(data, dict) and isinstance(key, str):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return None
    return data


async def start(
    schema: Any,
    query: str,
    variables: dict[str, Any] | None,
    context: Any,
    operation_name: str | None,
) -> tuple[Frame, AsyncGenerator[Frame, None]]:
    """Run an operation incrementally: its first frame (awaited: everything not deferred,
    or the errors that stopped it), and the frames still to come. The deferred fragments
    are already running when this returns."""
    results = await schema.stream(
        query,
        variable_values=variables,
        context_value=context,
        operation_name=operation_name,
        allowed_operation_types=(OperationType.QUERY, OperationType.MUTATION),
    )
    frames = parts(results, context.request_id)
    first = await anext(frames)
    return first, frames


async def _chain(first: Frame, rest: AsyncIterator[Frame]) -> AsyncIterator[Frame]:
    yield first
    async for frame in rest:
        yield frame


def in_parts(first: Frame) -> bool:
    """Whether an answer beginning with this frame has parts to come (else it is whole:
    an operation refused before it ran, or one with nothing deferred)."""
    return bool(first.get("hasNext"))


async def whole(first: Frame, rest: AsyncGenerator[Frame, None]) -> Frame:
    return await merge(_chain(first, rest))


async def written(
    first: Frame, rest: AsyncGenerator[Frame, None], kind: Parts
) -> AsyncIterator[bytes]:
    """The multipart body of an answer in parts; the execution is closed however the
    response ends (the client may hang up between two parts)."""
    try:
        async for chunk in multipart(in_format(_chain(first, rest), kind)):
            yield chunk
    finally:
        await rest.aclose()


async def in_format(frames: AsyncIterator[Frame], kind: Parts) -> AsyncIterator[Frame]:
    if kind is Parts.GRAPHQL_JS:
        async for frame in frames:
            yield frame
        return
    apollo = ApolloParts()
    async for frame in frames:
        yield apollo.convert(frame)


async def merge(frames: AsyncIterator[Frame]) -> Frame:
    """One whole answer from all the frames: each part's data put at its path, every
    error kept (with its path) in one list."""
    whole: Frame = {}
    errors: list[dict[str, Any]] = []
    paths: dict[str, list[Any]] = {}
    async for frame in frames:
        if "data" in frame:
            whole["data"] = frame["data"]
        errors.extend(frame.get("errors", ()))
        for pending in frame.get("pending", ()):
            paths[pending["id"]] = pending["path"]
        for item in frame.get("incremental", ()):
            target = _at(whole.get("data"), paths.get(item["id"], []))
            if "items" in item and isinstance(target, list):
                target.extend(item["items"])
            elif isinstance(target, dict):
                target = _at(target, item.get("subPath", []))
                if isinstance(target, dict) and isinstance(item.get("data"), dict):
                    _deep_merge(target, item["data"])
            errors.extend(item.get("errors", ()))
        for done in frame.get("completed", ()):
            errors.extend(done.get("errors", ()))
    body: Frame = {}
    if errors:
        body["errors"] = errors
    if "data" in whole:
        body["data"] = whole["data"]
    return body


def _deep_merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        else:
            target[key] = value


def content_type(kind: Parts) -> str:
    spec = "; deferSpec=20220824" if kind is Parts.APOLLO else ""
    return f'multipart/mixed; boundary="{BOUNDARY}"{spec}'


async def multipart(frames: AsyncIterator[Frame]) -> AsyncIterator[bytes]:
    """The body of a multipart/mixed answer: each frame a JSON part, written (and so
    flushed to the client) the moment it is ready and closed by the delimiter at once."""
    delimiter = f"\r\n--{BOUNDARY}".encode()
    head = b"\r\ncontent-type: application/json; charset=utf-8\r\n\r\n"
    opening = delimiter
    async for frame in frames:
        # Each part is sent with the delimiter after it, which is what tells a client
        # the part is whole: without it the first part would wait for the second.
        yield opening + head + orjson.dumps(frame) + delimiter
        opening = b""
    yield b"--\r\n"
