"""The command line every simulator shares: ``python -m backends.<name> --port N ...``."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence

from aiohttp import web

from backends.config import ServiceConfig
from backends.kit.faults import Faults


def parse_args(name: str, default_port: int, argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=f"python -m backends.{name}", description=f"The simulated {name} backend."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    parser.add_argument("--size", type=int, default=10_000, help="numbers in the world")
    parser.add_argument("--seed", type=int, default=42, help="the world's random seed")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--error-rate", type=float, default=0.0)
    parser.add_argument("--hang", action="store_true", help="hold requests until cleared")
    parser.add_argument("--down", action="store_true", help="drop connections unanswered")
    parser.add_argument("--access-log", action="store_true", help="log every request")
    return parser.parse_args(argv)


def run(
    name: str,
    create_app: Callable[[ServiceConfig], web.Application],
    default_port: int,
    argv: Sequence[str] | None = None,
) -> None:
    """Parse the command line, build the service and serve it until interrupted."""
    args = parse_args(name, default_port, argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        faults = Faults(
            latency_ms=args.latency_ms,
            jitter_ms=args.jitter_ms,
            error_rate=args.error_rate,
            hang=args.hang,
            down=args.down,
        )
        config = ServiceConfig(size=args.size, seed=args.seed, faults=faults)
        app = create_app(config)
    except ValueError as exc:
        raise SystemExit(f"{name}: {exc}") from None
    web.run_app(
        app,
        host=args.host,
        port=args.port,
        access_log=logging.getLogger("aiohttp.access") if args.access_log else None,
        print=lambda message: logging.getLogger(name).info("%s", message.strip()),
    )
