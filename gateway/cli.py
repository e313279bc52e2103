"""`telecom-gateway`: demo, serve, token, export-schema, register-operations, and the
schema commands (gateway/governance/commands.py)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Sequence

import uvicorn
from uvicorn.supervisors import Multiprocess

from adapters.clock import SystemClock
from domain.msisdn import InvalidMsisdnError, normalize_msisdn
from domain.principals import AGENT, SUPERVISOR, AgentPrincipal, Principal, SubscriberPrincipal
from gateway.governance import commands as governance
from gateway.http_server import ConnectionLimits
from gateway.logs import configure_logging
from gateway.runtime import build_tokens
from gateway.scrape import ListenError, start_metrics_listener
from gateway.settings import Settings
from gateway.workers import ServeOptions, Supervisor, reuse_port_supported, uvicorn_config


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="telecom-gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="run the gateway with its simulated backends")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--size", type=int, default=10_000, help="subscribers in the data set")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--latency-ms", type=float, default=0.0, help="added to every backend call")

    serve = commands.add_parser("serve", help="run the gateway (settings from the environment)")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)

    token = commands.add_parser("token", help="mint an access token with the configured key")
    who = token.add_mutually_exclusive_group(required=True)
    who.add_argument("--msisdn", help="a subscriber's number")
    who.add_argument("--agent", help="an agent's name (internal dashboards)")
    token.add_argument("--ttl", type=int, default=None, help="seconds (default: the setting)")
    token.add_argument(
        "--supervisor", action="store_true", help="the agent also reads the audit log"
    )

    commands.add_parser("export-schema", help="print the GraphQL schema (SDL)")

    register = commands.add_parser(
        "register-operations", help="add operations to the allow-list in Redis (REDIS_URL)"
    )
    register.add_argument("file", help="an Apollo persisted-query manifest or {hash: query} JSON")
    governance.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging("INFO", as_json=args.command == "serve")
    if args.command == "export-schema":
        from schema.build import export_sdl

        sys.stdout.write(export_sdl())
        return 0
    if args.command == "token":
        return _token(args)
    if args.command in governance.NAMES:
        return governance.run(args)
    if args.command == "register-operations":
        return asyncio.run(_register(args.file))
    if args.command == "serve":
        return _serve(args)
    from gateway.demo import run_demo

    return asyncio.run(
        run_demo(
            host=args.host,
            port=args.port,
            size=args.size,
            seed=args.seed,
            latency_ms=args.latency_ms,
        )
    )


def _token(args: argparse.Namespace) -> int:
    settings = Settings()
    if settings.jwt_secret is None:
        print("set TGW_JWT_SECRET to the gateway's key first", file=sys.stderr)
        return 2
    principal: Principal
    if args.agent:
        if settings.agent_jwks_url:
            print(
                "agents' tokens come from the identity provider (TGW_AGENT_JWKS_URL)",
                file=sys.stderr,
            )
            return 2
        roles = {AGENT, SUPERVISOR} if args.supervisor else {AGENT}
        principal = AgentPrincipal(args.agent, frozenset(roles))
    else:
        try:
            principal = SubscriberPrincipal(normalize_msisdn(args.msisdn))
        except InvalidMsisdnError as exc:
            print(exc, file=sys.stderr)
            return 2
    tokens = build_tokens(settings, SystemClock(), settings.jwt_secret.get_secret_value())
    print(tokens.mint(principal, args.ttl))
    return 0


def _serve(args: argparse.Namespace) -> int:
    settings = Settings()
    if settings.jwt_secret is None:
        print("set TGW_JWT_SECRET: every worker must verify the same tokens", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, as_json=True)
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker writes its metrics to files here; /metrics sums them up.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tgw-metrics-")
    try:
        start_metrics_listener(settings.metrics_listen)
    except (ListenError, OSError) as exc:
        print(f"/metrics cannot listen at {settings.metrics_listen}: {exc}", file=sys.stderr)
        return 2
    options = ServeOptions(
        host=args.host or settings.host,
        port=args.port or settings.port,
        shutdown_grace=settings.shutdown_grace,
        limits=ConnectionLimits.from_settings(settings),
        log_level=settings.log_level,
    )
    if args.workers <= 1:
        uvicorn.Server(uvicorn_config(options)).run()
        return 0
    if reuse_port_supported():
        return Supervisor(options, args.workers).run()
    # No SO_REUSEPORT here: uvicorn's supervisor, all workers on one shared socket.
    config = uvicorn_config(options)
    config.workers = args.workers
    sock = config.bind_socket()
    Multiprocess(config, sockets=[sock]).run()
    return 0


async def _register(file: str) -> int:
    from pathlib import Path

    from redis.asyncio import Redis

    from adapters.persisted.redis_store import RedisPersistedQueries
    from gateway.operations_file import OperationsFileError, read_operations_file

    settings = Settings()
    if not settings.redis_url:
        print(
            "set REDIS_URL: the allow-list lives in Redis, shared by every process", file=sys.stderr
        )
        return 2
    try:
        operations = read_operations_file(Path(file))
    except OperationsFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    redis = Redis.from_url(settings.redis_url)
    try:
        store = RedisPersistedQueries(redis, settings.cache_namespace, settings.apq_ttl)
        count = await store.register(operations)
    finally:
        await redis.aclose()
    print(f"registered {count} operations")
    return 0
