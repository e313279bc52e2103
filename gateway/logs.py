"""Logging as JSON lines (python-json-logger), one object per record; and the request
log line. Tokens, codes and passwords are never logged: the line is built from named
fields, never from the request's body or headers."""

from __future__ import annotations

import logging
import sys
from typing import Any

from pythonjsonlogger.json import JsonFormatter

access = logging.getLogger("telecom_gateway.access")


def configure_logging(level: str, as_json: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if as_json:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def log_request(**fields: Any) -> None:
    access.info("request", extra=fields)
