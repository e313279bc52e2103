"""``python -m backends.support --port N``: serve the simulated support system."""

from backends.kit.cli import HUB_SECRET, run
from backends.support.app import DEFAULT_PORT, create_app

if __name__ == "__main__":
    run("support", create_app, DEFAULT_PORT, options=(HUB_SECRET,))
