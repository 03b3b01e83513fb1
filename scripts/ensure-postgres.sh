#!/usr/bin/env bash
# Make sure the PostgreSQL that the tests use answers on 127.0.0.1:5432.
# In CI (CI=true) a missing server is installed or started, or this fails: the
# PostgreSQL tests must run there, never skip.
set -euo pipefail

ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }

if command -v pg_isready >/dev/null && ready; then
  exit 0
fi
if [ "${CI:-}" != "true" ] && [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL is not running on 127.0.0.1:5432; PostgreSQL tests will be skipped." >&2
  exit 0
fi
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "Installing PostgreSQL..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  # A fresh cluster asks for passwords over TCP; the tests connect as postgres on loopback.
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n 1)
  sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/' "$hba"
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do
  ready && break
  sleep 1
done
ready || { echo "PostgreSQL did not start" >&2; exit 1; }
# Local trust authentication for the test database, as on the developers' machines.
psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" \
  | grep -q 1 || psql -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE test" >/dev/null
