"""What an OCS error answer says, whichever of its three shapes it comes in.

- TMF ``Error`` JSON (the default): ``{"@type":"Error","reason":...,"message":...,"status":"404"}``;
- RFC 7807 ``application/problem+json``: ``{"type":...,"title":...,"detail":...,"status":404}``;
- an HTML page (inets' own 500 page, for faults inside the system).

Only a short text is kept, for logs and error details; the status travels separately.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

# The 404 for a path the system does not serve at all (a wrong base URL or API version),
# as opposed to "no such service": the first must never read as "unknown subscriber".
_NO_SUCH_PATH = "no resource exists at the path provided"
_HTML_TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.IGNORECASE | re.DOTALL)
_MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class Problem:
    reason: str
    message: str

    @property
    def text(self) -> str:
        if self.message and self.message != self.reason:
            return f"{self.reason}: {self.message}" if self.reason else self.message
        return self.reason

    @property
    def no_such_path(self) -> bool:
        return self.message.strip().lower() == _NO_SUCH_PATH


def read_problem(content_type: str, body: bytes) -> Problem:
    """The reason and message of an error answer; never raises."""
    if "json" in content_type:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return Problem("unreadable error body", _snippet(body))
        if isinstance(data, dict):
            return _json_problem(data)
    if "html" in content_type:
        title = _HTML_TITLE.search(body.decode("utf-8", "replace"))
        return Problem(title.group(1) if title else "HTML error page", "")
    return Problem("", _snippet(body))


def _json_problem(data: dict[str, Any]) -> Problem:
    # TMF Error first (reason/message), then RFC 7807 (title/detail).
    reason = data.get("reason") or data.get("title") or ""
    message = data.get("message") or data.get("detail") or ""
    return Problem(str(reason)[:_MAX_TEXT], str(message)[:_MAX_TEXT])


def _snippet(body: bytes) -> str:
    return " ".join(body[:_MAX_TEXT].decode("utf-8", "replace").split())
