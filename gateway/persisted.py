"""Persisted queries, as Apollo Client's persisted-query link speaks them.

`extensions.persistedQuery = {"version": 1, "sha256Hash": H}`:
- hash only, known       -> run the stored query;
- hash only, unknown     -> PERSISTED_QUERY_NOT_FOUND (the client resends with the query);
- hash and query         -> check the hash, run it, and remember it once it validated
                            (`learn`: a stranger's failing documents are never stored).

In allow-list mode only registered operations run (`telecom-gateway register-operations`),
sent by hash or in full; anything else is PERSISTED_QUERY_NOT_ALLOWED.
"""

from __future__ import annotations

import hashlib
from typing import Any

from adapters.persisted.port import PersistedQueries
from gateway.refusal import RefusedError
from gateway.transport import OperationRequest

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"


def sha256_of(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def _hash_of(extensions: dict[str, Any]) -> str | None:
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise RefusedError("PERSISTED_QUERY_NOT_SUPPORTED", "persistedQuery version 1 only")
    value = persisted.get("sha256Hash")
    if not isinstance(value, str) or len(value) != 64:
        raise RefusedError("BAD_REQUEST", "`sha256Hash` must be a SHA-256 hex digest", status=400)
    return value.lower()


async def resolve_query(
    operation: OperationRequest, store: PersistedQueries, allowlist_only: bool
) -> str:
    """The query text to run, or a RefusedError."""
    wanted = _hash_of(operation.extensions)
    if operation.query is not None:
        actual = sha256_of(operation.query)
        if wanted is not None and wanted != actual:
            raise RefusedError("PERSISTED_QUERY_HASH_MISMATCH", "the hash is not the query's")
        if allowlist_only and await store.registered(actual) is None:
            raise RefusedError(
                "PERSISTED_QUERY_NOT_ALLOWED", "only registered operations are accepted"
            )
        return operation.query
    assert wanted is not None  # transport only lets a query-less operation through with one
    query = await (store.registered(wanted) if allowlist_only else store.get(wanted))
    if query is None:
        if allowlist_only:
            raise RefusedError(
                "PERSISTED_QUERY_NOT_ALLOWED", "only registered operations are accepted"
            )
        # The message is what Apollo's link matches on, besides the code.
        raise RefusedError(NOT_FOUND, "PersistedQueryNotFound")
    return query


async def learn(operation: OperationRequest, store: PersistedQueries, allowlist_only: bool) -> None:
    """Remember a query sent with its hash (APQ). Called only once the document validated,
    so that nobody can fill the store with documents that never run."""
    wanted = _hash_of(operation.extensions)
    if wanted is None or operation.query is None or allowlist_only:
        return
    # resolve_query checked that the hash is the query's.
    await store.remember(wanted, operation.query)
