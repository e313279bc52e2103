"""Reading a file of registered operations for the allow-list.

Two formats: Apollo's persisted-query manifest
(`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body", ...}]}`)
and a plain JSON object of `{sha256: query}` (persistgraphql, Relay). Every id is checked
against the SHA-256 of its body: a wrong hash would register an operation nobody can run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from gateway.persisted import sha256_of


class OperationsFileError(ValueError):
    pass


def read_operations_file(path: Path) -> dict[str, str]:
    try:
        data: Any = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise OperationsFileError(f"{path}: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("operations"), list):
        pairs = [
            (op.get("id"), op.get("body")) for op in data["operations"] if isinstance(op, dict)
        ]
    elif isinstance(data, dict):
        pairs = list(data.items())
    else:
        raise OperationsFileError(f"{path}: not a manifest or a {{hash: query}} object")
    operations: dict[str, str] = {}
    for given, body in pairs:
        if not isinstance(body, str) or not body.strip():
            raise OperationsFileError(f"{path}: operation {given!r} has no body")
        actual = sha256_of(body)
        if given is not None and str(given).lower() != actual:
            raise OperationsFileError(f"{path}: id {given} is not the SHA-256 of its body")
        operations[actual] = body
    return operations
