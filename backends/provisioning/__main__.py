"""``python -m backends.provisioning --port N``: serve the simulated provisioning system."""

from backends.kit.cli import BILLING_URL, HUB_SECRET, ORDER_STEP_MS, run
from backends.provisioning.app import DEFAULT_PORT, create_app

if __name__ == "__main__":
    run(
        "provisioning",
        create_app,
        DEFAULT_PORT,
        options=(HUB_SECRET, ORDER_STEP_MS, BILLING_URL),
    )
