"""Reading GraphQL operations off HTTP: a POSTed JSON object or array (a batch), or GET
query parameters. The body is read by the body policy (gateway/body_policy.py: type, size,
deadline); anything malformed is a RefusedError."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request

from gateway.body_policy import BodyPolicy
from gateway.refusal import RefusedError


@dataclass(frozen=True, slots=True)
class OperationRequest:
    query: str | None  # None when only a persisted query's hash is sent
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any]


def bad_request(message: str) -> RefusedError:
    return RefusedError("BAD_REQUEST", message, status=400)


def operation_from(data: Any) -> OperationRequest:
    if not isinstance(data, dict):
        raise bad_request("an operation is a JSON object with a `query`")
    query = data.get("query")
    extensions = data.get("extensions") or {}
    if not isinstance(extensions, dict):
        raise bad_request("`extensions` must be an object")
    if query is not None and (not isinstance(query, str) or not query.strip()):
        raise bad_request("`query` must be a non-empty string")
    if query is None and "persistedQuery" not in extensions:
        raise bad_request("`query` must be a non-empty string")
    variables = data.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise bad_request("`variables` must be an object")
    name = data.get("operationName")
    if name is not None and not isinstance(name, str):
        raise bad_request("`operationName` must be a string")
    return OperationRequest(query, variables, name, extensions)


def _json_param(request: Request, name: str) -> Any:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"`{name}` is not valid JSON") from exc


async def read_operations(
    request: Request, body_policy: BodyPolicy, max_batch: int
) -> tuple[list[OperationRequest], bool]:
    """The operations of the request, and whether it was a batch (a JSON array)."""
    if request.method == "GET":
        data = {
            "query": request.query_params.get("query"),
            "variables": _json_param(request, "variables"),
            "operationName": request.query_params.get("operationName"),
            "extensions": _json_param(request, "extensions"),
        }
        return [operation_from(data)], False
    body = await body_policy.read_json(request)
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise bad_request("the body is not valid JSON") from exc
    if isinstance(data, list):
        if not data:
            raise bad_request("an empty batch")
        if len(data) > max_batch:
            raise RefusedError(
                "BATCH_TOO_LARGE", f"at most {max_batch} operations in a batch", status=400
            )
        return [operation_from(item) for item in data], True
    return [operation_from(data)], False
