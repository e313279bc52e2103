"""Which fields a query asks of an object: for the agents' audit log."""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from schema.info import Info


def _names(selections: Iterable[Selection]) -> set[str]:
    found: set[str] = set()
    for selection in selections:
        if isinstance(selection, SelectedField):
            found.add(selection.name)
        elif isinstance(selection, (FragmentSpread, InlineFragment)):
            found |= _names(selection.selections)
    return found


def asked_fields(info: Info) -> list[str]:
    """The names of the fields selected under the current field (fragments flattened)."""
    return sorted(_names(s for field in info.selected_fields for s in field.selections))
