#!/usr/bin/env bash
# Installs Debian packages the tools need (redis-server, chromium, faketime, wrk) on a fresh
# machine: `bash scripts/debian-package.sh PACKAGE...`. CI machines run as root; elsewhere
# sudo is tried. Callers check first whether the binary is there; this only installs.
set -euo pipefail
echo "debian-package: installing $*" >&2
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
$sudo_cmd apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >&2
