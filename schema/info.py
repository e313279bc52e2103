"""The `info` type every field method receives, with the gateway's Context."""

from __future__ import annotations

import strawberry

from resolvers.context import Context

Info = strawberry.Info[Context, None]
