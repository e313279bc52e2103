"""``python -m backends.billing --port N``: serve the simulated billing system."""

from backends.billing.app import DEFAULT_PORT, create_app
from backends.kit.cli import run

if __name__ == "__main__":
    run("billing", create_app, DEFAULT_PORT)
