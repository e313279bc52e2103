"""The promise a field's resolver makes to the compiled plans: it awaits nothing but the
request's dataloaders and the in-process memos (catalog, promotions), never a backend or
Redis in its own frame. A plan then runs its coroutine inline, up to its first wait, and a
number whose records were read ahead (resolvers/read_ahead.py) is answered with no task
per field (gateway/plan/reads.py, `steps_inline`).

Breaking the promise fails loudly, not silently: the inline step runs outside any task, and
asyncio's and aiohttp's timeouts refuse to start there."""

from __future__ import annotations

from typing import Any

# gateway/plan/reads.py spells the keys too: the plan may not import the schema.
READS_LOADED: dict[str, Any] = {"tgw.reads_loaded": True}

# READS_LOADED, and the resolver reads nothing of its `info` but `info.context`: a plan may
# then complete the field in generated code (gateway/plan/codegen.py), which hands it a
# stand-in info holding the context alone. A resolver reading anything else of its info
# (the path, the selection: `LinkedNumber.subscriber`) must not make this promise; one
# that breaks it fails (the stand-in has no other attribute) and is answered by the
# careful path, at a cost.
READS_LOADED_FROM_CONTEXT: dict[str, Any] = {**READS_LOADED, "tgw.context_only": True}
