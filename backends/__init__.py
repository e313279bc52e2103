"""The simulated billing, provisioning, SMS and loyalty systems.

Each subpackage is an aiohttp.web service speaking a TM Forum v4 subset (the wire contract
is ``docs/backends.md``); all four build the same deterministic world from ``(size, seed)``
(:mod:`backends.dataset`), so they agree on every subscriber without talking to each other.
Only the demo command and the tests import this package: the gateway knows backends by URL.
"""
