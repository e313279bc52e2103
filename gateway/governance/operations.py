"""The registered operations: what shipped clients send, which must keep validating.

The web page's operations (gateway/web/static/js/operations.js, each `op("Name", `...`)`
with its `${PIECE}` constants spliced in as the page does) and any operations file of the
allow-list (an Apollo manifest or `{hash: query}`, gateway/operations_file.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from graphql import GraphQLError, GraphQLSchema, OperationDefinitionNode, parse, validate

from gateway.operations_file import read_operations_file
from gateway.web.assets import static_directory

_OPERATION = re.compile(r'op\("(\w+)", `(.*?)`\)', re.DOTALL)
_PIECE = re.compile(r'const (\w+) = "([^"]+)";')
_SPLICE = re.compile(r"\$\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class RegisteredOperation:
    source: str
    name: str
    text: str


def page_operations(path: Path | None = None) -> list[RegisteredOperation]:
    path = path or static_directory() / "js" / "operations.js"
    text = path.read_text(encoding="utf-8")
    pieces = dict(_PIECE.findall(text))
    return [
        RegisteredOperation(
            "web page", name, _SPLICE.sub(lambda m: pieces.get(m.group(1), m.group(0)), body)
        )
        for name, body in _OPERATION.findall(text)
    ]


def file_operations(path: Path) -> list[RegisteredOperation]:
    """Raises OperationsFileError when the file is not a valid operations file."""
    found = []
    for digest, body in read_operations_file(path).items():
        found.append(RegisteredOperation(path.name, _name_of(body) or digest[:12], body))
    return found


def _name_of(body: str) -> str | None:
    try:
        document = parse(body)
    except GraphQLError:
        return None
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name:
            return definition.name.value
    return None


def broken_operations(
    schema: GraphQLSchema, operations: Iterable[RegisteredOperation]
) -> list[tuple[RegisteredOperation, list[str]]]:
    """Each operation that does not validate against the schema, with the reasons."""
    broken = []
    for operation in operations:
        try:
            errors = validate(schema, parse(operation.text))
        except GraphQLError as exc:
            errors = [exc]
        if errors:
            broken.append((operation, [e.message for e in errors]))
    return broken
