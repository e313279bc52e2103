#!/usr/bin/env bash
# The web page's end-to-end tests drive Debian's Chromium (never a downloaded browser):
# install it when it is missing (CI machines run as root; elsewhere sudo is tried).
set -euo pipefail
browser="${TGW_CHROMIUM:-/usr/bin/chromium}"
[ -x "$browser" ] && exit 0
echo "ensure-chromium: installing Debian's chromium" >&2
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
$sudo_cmd apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-dejavu-core >&2
