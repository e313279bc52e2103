"""Which media type an answer is sent as (the `Accept` header), and the HTTP status the
GraphQL-over-HTTP spec gives it.

- `application/graphql-response+json` (the spec's own type): a request error -- the
  document does not parse or validate, a variable cannot be coerced, the edge refused the
  operation before it ran -- is a 4xx (400 unless the refusal has its own, 413, 429, ...);
  an operation that ran answers 200 even with field errors, and always carries `data`.
- `application/json` (the legacy type, what clients that send no `Accept` get): today's
  behaviour, 200 for anything that reached GraphQL.
- `multipart/mixed`: an operation with `@defer`/`@stream` is answered in parts
  (gateway/incremental.py). With `deferSpec=20220824` in the media range the parts are in
  Apollo Router's format (what Apollo Client, Apollo iOS and Apollo Kotlin read); without
  it, in graphql-js 17's (`pending`/`incremental`/`completed`).

An `Accept` that names none of these is disregarded and answered as `application/json`,
one of the two choices the spec allows (the other, 406, would break clients that send
`text/html` or `text/plain` out of habit).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
MULTIPART = "multipart/mixed"
APOLLO_DEFER_SPEC = "20220824"


class Parts(enum.Enum):
    """How an answer in parts is written, when the client accepts parts at all."""

    APOLLO = "apollo"  # deferSpec=20220824: {hasNext, incremental: [{data, path, errors}]}
    GRAPHQL_JS = "graphql-js"  # {pending, incremental: [{id, data}], completed, hasNext}


@dataclass(frozen=True, slots=True)
class Media:
    whole: str  # the media type of a whole (one-part) answer: JSON or GRAPHQL_RESPONSE
    parts: Parts | None  # None when the client does not accept multipart/mixed

    @property
    def content_type(self) -> str:
        return f"{self.whole}; charset=utf-8" if self.whole == GRAPHQL_RESPONSE else self.whole


def _ranges(accept: str) -> list[tuple[float, int, str, dict[str, str]]]:
    found = []
    for index, item in enumerate(accept.split(",")):
        kind, *raw_params = (part.strip() for part in item.split(";"))
        params: dict[str, str] = {}
        for raw in raw_params:
            name, _, value = raw.partition("=")
            params[name.strip().lower()] = value.strip().strip('"')
        try:
            quality = float(params.pop("q", "1"))
        except ValueError:
            quality = 0.0
        if kind and quality > 0:
            found.append((quality, index, kind.lower(), params))
    # The highest quality first; among equals, the order the client wrote them in.
    found.sort(key=lambda entry: (-entry[0], entry[1]))
    return found


def negotiate(accept: str | None) -> Media:
    whole: str | None = None
    parts: Parts | None = None
    for _, _, kind, params in _ranges(accept or ""):
        if kind == MULTIPART and parts is None:
            spec = params.get("deferspec")
            parts = Parts.APOLLO if spec == APOLLO_DEFER_SPEC else Parts.GRAPHQL_JS
        elif whole is None and kind in (GRAPHQL_RESPONSE, JSON, "application/*", "*/*"):
            # A wildcard gets the legacy type: what such clients have always been sent.
            whole = GRAPHQL_RESPONSE if kind == GRAPHQL_RESPONSE else JSON
    return Media(whole or JSON, parts)


def status_for(media: Media, status: int, executed: bool) -> int:
    """The status of one operation's whole answer. `status` is what the gateway gives it
    today (a refusal's own status, else 200); `executed` is whether execution started."""
    if media.whole != GRAPHQL_RESPONSE or executed:
        return status
    return status if status >= 400 else 400
