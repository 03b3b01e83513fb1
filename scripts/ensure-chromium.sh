#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a browser downloaded by a test tool).
# In CI (CI=true), or as root, a missing Chromium is installed; elsewhere the browser
# tests skip with a message.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "${CI:-}" != "true" ] && [ "$(id -u)" != "0" ]; then
  echo "Chromium is not installed (/usr/bin/chromium); browser tests will be skipped." >&2
  exit 0
fi
echo "Installing Chromium from Debian..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
