#!/usr/bin/env bash
# Runs a command with the wall clock moved to another day: at-date.sh 2027-01-31 make pytest
#
# The suite must pass on any date (month ends, 29 February, a year's last day). libfaketime
# moves every process the command starts (the tests, the simulators, redis-server) to the
# same moment, and the clock keeps running from there. Debian's faketime is installed first
# when missing, as with-redis.sh does for redis-server.
set -euo pipefail

day="$1"
shift
lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1 || true)
if [ -z "$lib" ]; then
    bash "$(dirname "$0")/debian-package.sh" faketime
    lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -n 1)
fi
# redis-server (jemalloc) clashes with libfaketime and keeps the real clock: only durations
# matter to it. Wrappers under its names run it without the preload. (Chromium is moved
# with the rest: the page compares token expiry with its own clock.)
wrappers=$(mktemp -d)
trap 'rm -rf "$wrappers"' EXIT
for name in redis-server redis-cli; do
    real=$(command -v "$name" || true)
    [ -n "$real" ] || continue
    printf '#!/bin/sh\nunset LD_PRELOAD FAKETIME\nexec %s "$@"\n' "$real" >"$wrappers/$name"
    chmod +x "$wrappers/$name"
done
export PATH="$wrappers:$PATH"
[ -x "$wrappers/redis-server" ] && export REDIS_SERVER_BIN="$wrappers/redis-server"
# An offset, not a start time: with "@<time>" every process would start its own clock at that
# moment, and a process started later (a worker, a simulator) would disagree with the rest.
offset=$(( $(date -u -d "$day 10:00:00" +%s) - $(date -u +%s) ))
if [ "$offset" -ge 0 ]; then export FAKETIME="+$offset"; else export FAKETIME="$offset"; fi
export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
echo "at-date: running at $day ($(date -u +%FT%TZ))" >&2
"$@"
