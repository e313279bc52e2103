"""OCS timestamps: ``2026-11-01T00:00:00.000``, UTC without a zone designator.

The system writes them that way and refuses (400) a request body whose timestamps carry
a ``Z`` or an offset, which is the quirk a client must get right.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

# A date-time string with a zone: `...T11:50:05Z`, `...T11:50:05.000+03:00`.
_ZONED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})", re.I)


def format_ocs_timestamp(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}"


def parse_ocs_timestamp(text: str) -> datetime:
    """A naive timestamp as UTC; raises ValueError for a zoned one (OCS answers 400)."""
    if _ZONED.fullmatch(text):
        raise ValueError(f"timestamps take no zone (no 'Z', no offset): {text!r}")
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC)


def zoned_timestamps(body: Any) -> Iterator[str]:
    """Every string in a JSON body that is a timestamp with a zone."""
    if isinstance(body, dict):
        for value in body.values():
            yield from zoned_timestamps(value)
    elif isinstance(body, list):
        for item in body:
            yield from zoned_timestamps(item)
    elif isinstance(body, str) and _ZONED.fullmatch(body):
        yield body
