"""``python -m backends.loyalty --port N``: serve the simulated loyalty programme."""

from backends.kit.cli import run
from backends.loyalty.app import DEFAULT_PORT, create_app

if __name__ == "__main__":
    run("loyalty", create_app, DEFAULT_PORT)
