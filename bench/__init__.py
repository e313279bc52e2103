"""The benchmark and soak run of telecom-gateway: ``python -m bench`` (see bench/README.md).

Everything runs as separate processes on loopback: the five simulated backends, a
throwaway redis-server, the gateway (``serve --workers N``) and the load generator
(wrk, or a small aiohttp driver where answers must be read). This package only starts,
drives, measures and reports; it never changes the gateway.
"""
