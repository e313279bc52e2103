#!/usr/bin/env bash
# Runs a command with REDIS_URL pointing at a redis-server that answers.
#
# - REDIS_URL set and answering: used as it is.
# - otherwise: a throwaway redis-server on a free loopback port (no persistence), stopped
#   when the command ends: the tests' and the bench's own launcher
#   (tests/harness/redis_server.py) starts it. Debian's redis-server is installed first
#   when the binary is missing (CI machines run as root; elsewhere sudo is tried).
# The tests also use REDIS_SERVER_BIN to start servers of their own (restart tests).
set -euo pipefail

if ! command -v redis-server >/dev/null 2>&1; then
    bash "$(dirname "$0")/debian-package.sh" redis-server
fi
export REDIS_SERVER_BIN="$(command -v redis-server)"

# Run from the repository's root, as before: `tests` is the package imported.
exec .venv/bin/python -m tests.harness.redis_server "$@"
