"""``python -m backends.loyalty --port N``: serve the simulated loyalty programme."""

from backends.kit.cli import HUB_SECRET, run
from backends.loyalty.app import DEFAULT_PORT, create_app

if __name__ == "__main__":
    run("loyalty", create_app, DEFAULT_PORT, options=(HUB_SECRET,))
