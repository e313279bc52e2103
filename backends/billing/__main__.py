"""``python -m backends.billing --port N``: serve the simulated billing system."""

import argparse

from backends.billing.app import DEFAULT_PORT, create_app
from backends.kit.cli import HUB_SECRET, ORDER_STEP_MS, SMS_URL, run
from backends.ocs.dialect import BILLING_DIALECTS, TMF_V4, billing_app_factory

if __name__ == "__main__":
    # --dialect sigscale-ocs serves the SigScale OCS simulator instead (backends.ocs).
    dialect = argparse.ArgumentParser(add_help=False)
    dialect.add_argument("--dialect", choices=tuple(BILLING_DIALECTS), default=TMF_V4)
    chosen, rest = dialect.parse_known_args()
    if chosen.dialect == TMF_V4:
        run("billing", create_app, DEFAULT_PORT, rest, options=(HUB_SECRET, ORDER_STEP_MS, SMS_URL))
    else:
        run("billing", billing_app_factory(chosen.dialect), DEFAULT_PORT, rest)
