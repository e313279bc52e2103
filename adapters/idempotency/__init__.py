"""Idempotency keys of mutations: the first result under a key, kept and replayed."""
