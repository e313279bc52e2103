#!/usr/bin/env bash
# The web page's end-to-end tests drive Debian's Chromium (never a downloaded browser):
# install it when it is missing (CI machines run as root; elsewhere sudo is tried).
set -euo pipefail
browser="${TGW_CHROMIUM:-/usr/bin/chromium}"
[ -x "$browser" ] && exit 0
exec bash "$(dirname "$0")/debian-package.sh" chromium fonts-dejavu-core
