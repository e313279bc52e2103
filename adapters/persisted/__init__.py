"""Persisted queries: the APQ cache (hash -> query text, learned from clients) and the
allow-list of registered operations (for the production app)."""
