"""``python -m backends.ocs --port N``: serve the simulated SigScale OCS billing."""

from backends.kit.cli import run
from backends.ocs.app import DEFAULT_PORT, create_app

if __name__ == "__main__":
    run("ocs", create_app, DEFAULT_PORT)
