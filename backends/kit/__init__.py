"""Machinery shared by the four simulated services: faults, counters, admin routes,
TMF query filters and error bodies, the app factory and the command line; for the write
side, idempotency keys, request amounts, the event hub and its signature, timed steps and
calls to peer services."""
