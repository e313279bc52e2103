"""Entity ids that embed the subscriber's number (``BKT-79000000001-data``), so a lookup
by id is a dict lookup by number rather than a scan."""

from __future__ import annotations

from urllib.parse import quote


def msisdn_in_id(entity_id: str, prefix: str) -> str | None:
    """``("BKT-79000000001-data", "BKT")`` -> ``"+79000000001"``; None if it is not one."""
    head, _, rest = entity_id.partition("-")
    digits = rest.partition("-")[0]
    if head != prefix or not digits.isdigit():
        return None
    return f"+{digits}"


def href(collection_path: str, entity_id: str) -> str:
    """The entity's path on this service (``href`` is informative; ids may hold a ``+``)."""
    return f"{collection_path}/{quote(entity_id, safe='')}"
