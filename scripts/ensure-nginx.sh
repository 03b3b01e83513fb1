#!/usr/bin/env bash
# The production setup puts Debian's nginx in front of gunicorn (README "Production",
# deploy/nginx/ketnap.conf); the fault tests start one of their own from that file, and
# openssl makes their throwaway certificate.
# In CI (CI=true), or as root, what is missing is installed; elsewhere those tests skip
# with a message when there is no nginx. Nothing is started here: the tests run nginx
# themselves, on loopback ports of their own (installing the package may start
# Debian's default site on port 80, where the distribution's policy allows it).
set -euo pipefail
if [ -x /usr/sbin/nginx ] && command -v openssl >/dev/null; then
  exit 0
fi
if [ "${CI:-}" != "true" ] && [ "$(id -u)" != "0" ]; then
  echo "nginx or openssl is not installed; the reverse-proxy tests will be skipped." >&2
  exit 0
fi
echo "Installing nginx from Debian..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null
