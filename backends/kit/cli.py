"""The command line every simulator shares: ``python -m backends.<name> --port N ...``."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Collection, Sequence

from aiohttp import web

from backends.config import DEFAULT_ORDER_STEP_MS, ServiceConfig
from backends.kit.faults import Faults

# The write-side options a service may take; each service names the ones it uses.
HUB_SECRET = "hub_secret"  # noqa: S105 - the option's name, not a secret
ORDER_STEP_MS = "order_step_ms"
BILLING_URL = "billing_url"
SMS_URL = "sms_url"
_PEER_OPTIONS = {BILLING_URL: "billing", SMS_URL: "sms"}


def parse_args(
    name: str,
    default_port: int,
    argv: Sequence[str] | None,
    options: Collection[str] = (),
) -> argparse.Namespace:
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
    if HUB_SECRET in options:
        parser.add_argument("--hub-secret", help="key of the X-Hub-Signature on events")
    if ORDER_STEP_MS in options:
        parser.add_argument(
            "--order-step-ms",
            type=float,
            default=DEFAULT_ORDER_STEP_MS,
            help="time in each state of an order or statement; 0 completes it at once",
        )
    if BILLING_URL in options:
        parser.add_argument("--billing-url", help="billing's base URL (charges, quotas)")
    if SMS_URL in options:
        parser.add_argument("--sms-url", help="the SMS gateway's base URL (e-mails)")
    return parser.parse_args(argv)


def run(
    name: str,
    create_app: Callable[[ServiceConfig], web.Application],
    default_port: int,
    argv: Sequence[str] | None = None,
    options: Collection[str] = (),
) -> None:
    """Parse the command line, build the service and serve it until interrupted.

    ``options`` names the write-side options the service takes (``HUB_SECRET``...).
    """
    args = parse_args(name, default_port, argv, options)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        faults = Faults(
            latency_ms=args.latency_ms,
            jitter_ms=args.jitter_ms,
            error_rate=args.error_rate,
            hang=args.hang,
            down=args.down,
        )
        peers = {
            peer: getattr(args, option)
            for option, peer in _PEER_OPTIONS.items()
            if getattr(args, option, None)
        }
        config = ServiceConfig(
            size=args.size,
            seed=args.seed,
            faults=faults,
            hub_secret=getattr(args, HUB_SECRET, None),
            order_step_ms=getattr(args, ORDER_STEP_MS, DEFAULT_ORDER_STEP_MS),
            peers=peers,
        )
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
