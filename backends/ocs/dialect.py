"""Which simulator serves billing in which dialect: the TM Forum v4 one of
``backends.billing`` or SigScale OCS. The runner and ``python -m backends.billing
--dialect`` both choose here."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from backends.billing.app import create_app as create_tmf_app
from backends.config import ServiceConfig
from backends.ocs.app import create_app as create_ocs_app

TMF_V4 = "tmf-v4"
SIGSCALE_OCS = "sigscale-ocs"
BILLING_DIALECTS: dict[str, Callable[[ServiceConfig], web.Application]] = {
    TMF_V4: create_tmf_app,
    SIGSCALE_OCS: create_ocs_app,
}


def billing_app_factory(dialect: str) -> Callable[[ServiceConfig], web.Application]:
    """Raises ValueError for a dialect no simulator speaks."""
    try:
        return BILLING_DIALECTS[dialect]
    except KeyError:
        known = ", ".join(BILLING_DIALECTS)
        raise ValueError(f"unknown billing dialect {dialect!r} (known: {known})") from None
