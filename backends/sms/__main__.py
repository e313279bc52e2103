"""``python -m backends.sms --port N``: serve the simulated SMS gateway."""

from backends.kit.cli import run
from backends.sms.app import DEFAULT_PORT, create_app

if __name__ == "__main__":
    run("sms", create_app, DEFAULT_PORT)
