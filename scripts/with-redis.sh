#!/usr/bin/env bash
# Runs a command with REDIS_URL pointing at a redis-server that answers.
#
# - REDIS_URL set and answering: used as it is.
# - otherwise: a throwaway redis-server on a free loopback port (no persistence), stopped
#   when the command ends. Debian's redis-server is installed first when the binary is
#   missing (CI machines run as root; elsewhere sudo is tried).
# The tests also use REDIS_SERVER_BIN to start servers of their own (restart tests).
set -euo pipefail

ping_url() {
    .venv/bin/python - "$1" <<'PY'
import sys
import redis
try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1, socket_timeout=1).ping()
except Exception:
    sys.exit(1)
PY
}

if ! command -v redis-server >/dev/null 2>&1; then
    bash "$(dirname "$0")/debian-package.sh" redis-server
fi
export REDIS_SERVER_BIN="$(command -v redis-server)"

if [ -n "${REDIS_URL:-}" ] && ping_url "$REDIS_URL"; then
    exec "$@"
fi

port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
"$REDIS_SERVER_BIN" --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --dir "$dir" --daemonize no --logfile "$dir/redis.log" &
redis_pid=$!
cleanup() { kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT INT TERM

export REDIS_URL="redis://127.0.0.1:$port/0"
for _ in $(seq 1 100); do
    ping_url "$REDIS_URL" && break
    sleep 0.1
done
ping_url "$REDIS_URL" || { echo "with-redis: redis-server did not start" >&2; cat "$dir/redis.log" >&2; exit 1; }
echo "with-redis: using a throwaway redis-server at $REDIS_URL" >&2
"$@"
