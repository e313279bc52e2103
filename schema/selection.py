"""Which fields a query asks of an object: for the agents' audit log, and for reading a
number's records ahead (resolvers/read_ahead.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
)

from schema.info import Info


def _names(
    selections: Iterable[SelectionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    found: set[str],
    deferred: bool,
) -> set[str]:
    for selection in selections:
        if isinstance(selection, FieldNode):
            found.add(selection.name.value)
            continue
        if not deferred and any(d.name.value == "defer" for d in selection.directives or ()):
            continue
        if isinstance(selection, InlineFragmentNode):
            _names(selection.selection_set.selections, fragments, found, deferred)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                _names(fragment.selection_set.selections, fragments, found, deferred)
    return found


def _asked(info: Info, deferred: bool) -> list[str]:
    # graphql-core's nodes, read directly: strawberry's `selected_fields` converts the whole
    # selection tree into its own classes first, a home screen's ~60 nodes on every request.
    raw = info._raw_info
    found: set[str] = set()
    for node in raw.field_nodes:
        if node.selection_set is not None:
            _names(node.selection_set.selections, raw.fragments, found, deferred)
    return sorted(found)


def asked_fields(info: Info) -> list[str]:
    """The names of the fields selected under the current field (fragments flattened; as
    written, whatever @include or @skip decide): what the audit log records."""
    return _asked(info, deferred=True)


def asked_first(info: Info) -> list[str]:
    """`asked_fields` without those in a deferred fragment: what to read ahead, since
    waiting for a deferred field's backend would hold back the first part."""
    return _asked(info, deferred=False)
