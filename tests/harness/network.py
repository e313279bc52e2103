"""Loopback ports for the servers the tests start themselves: the one free-port helper."""

from __future__ import annotations

import socket


def is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port free now. Another process may take it before the caller binds it; the
    servers started with it fail loudly then, never quietly on someone else's port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
