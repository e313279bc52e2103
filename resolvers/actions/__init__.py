"""The changes a subscriber makes: payments, services, tariff, offers, sharing, statements.

Every action: the caller must reach the number (own or confirmed linked; agents make no
changes), its input is validated before any backend call (a refused input changes
nothing anywhere), it runs once per idempotency key, expected failures come back as
typed `userErrors`, and what it changes is dropped from every cache and from the
request's loaders through `resolvers/changes.py` (so its payload shows the change).
"""
